import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import Staff
from tests.campaign.test_import import csv_bytes
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

URL = reverse("campaigns:import")
STAFF_ROWS = [
    ["käyttäjätunnus", "etunimi", "sukunimi", "yksikkö", "johtoryhmä"],
    ["aino", "Aino", "Virtanen", "A", "kyllä"],
    ["eero", "Eero", "Korhonen", "PUUTTUU", "ei"],
]


def upload(client, content, *, kind="staff", name="henkilosto.csv"):
    return client.post(
        URL, {"action": "preview", "kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def test_dry_run_shows_each_row_then_commit_imports(client, coordinator):
    UnitFactory(code="A")
    client.force_login(coordinator)

    response = upload(client, csv_bytes(STAFF_ROWS))

    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.counts == {"create": 1, "update": 0, "unchanged": 0, "reject": 1}
    assert 'data-action="reject"' in response.text
    assert "PUUTTUU" in response.text
    assert not Staff.objects.filter(username="aino").exists()

    response = client.post(URL, {"action": "commit"})

    assert response.status_code == 302
    assert Staff.objects.get(username="aino").unit.code == "A"
    assert not Staff.objects.filter(username="eero").exists()
    assert "organisation_import" not in client.session


def test_commit_without_a_dry_run_asks_for_the_file_again(client, coordinator):
    client.force_login(coordinator)
    response = client.post(URL, {"action": "commit"}, follow=True)
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1


def test_cancel_forgets_the_file(client, coordinator):
    UnitFactory(code="A")
    client.force_login(coordinator)
    upload(client, csv_bytes(STAFF_ROWS))
    client.post(URL, {"action": "cancel"})
    client.post(URL, {"action": "commit"})
    assert not Staff.objects.filter(username="aino").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"PK\x03\x04broken",
        csv_bytes([["foo", "bar"], ["1", "2"]]),
    ],
    ids=["empty", "image", "broken-xlsx", "wrong-columns"],
)
def test_bad_files_get_a_message_next_to_the_field(client, coordinator, content):
    client.force_login(coordinator)
    response = upload(client, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["plan"] is None
    assert 'class="errors"' in response.text


def test_a_file_that_changes_nothing_offers_no_import_button(client, coordinator):
    UnitFactory(code="A")
    client.force_login(coordinator)
    rows = STAFF_ROWS[:2]
    upload(client, csv_bytes(rows))
    client.post(URL, {"action": "commit"})
    response = upload(client, csv_bytes(rows))
    assert response.context["plan"].counts["unchanged"] == 1
    assert 'value="commit"' not in response.text


def test_ten_thousand_rows_through_the_page(client, coordinator):
    UnitFactory(code="A")
    rows = [["username", "first name", "last name", "unit"]]
    rows += [[f"person{i}", "Etu", f"Suku{i}", "A"] for i in range(10_000)]
    rows.append(["person5", "Etu", "Kopio", "A"])
    client.force_login(coordinator)

    response = upload(client, csv_bytes(rows))

    assert response.context["plan"].counts == {
        "create": 10_000,
        "update": 0,
        "unchanged": 0,
        "reject": 1,
    }
    assert response.text.count('data-action="create"') == 1000
    assert "line 7" in response.text or "rivillä 7" in response.text
    client.post(URL, {"action": "commit"})
    assert Staff.objects.filter(username__startswith="person").count() == 10_000
