import datetime as dt
import uuid

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from campaign.models import Client
from tests.factories import (
    ClientFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from visits.rules import VisitStatus

pytestmark = pytest.mark.django_db


def form_data(client=None, today=None, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "client": client.pk if client else "",
        "new_client_name": "",
        "new_client_kind": "other",
        "new_client_region": "",
        "new_client_business_id": "",
        "visited_on": (today or dt.date.today()).isoformat(),
        "minutes": "60",
        "is_remote": "False",
        "listened_most": "on",
        "not_without_campaign": "on",
        "notes": "Kuuntelimme.",
        "benefit_rating": "4",
        "ideas-TOTAL_FORMS": "1",
        "ideas-INITIAL_FORMS": "0",
        "ideas-MIN_NUM_FORMS": "0",
        "ideas-MAX_NUM_FORMS": "20",
        "ideas-0-title": "",
        "ideas-0-text": "",
        "ideas-0-theme": "",
    }
    data.update({k: v for k, v in overrides.items() if v is not None})
    for key in [k for k, v in overrides.items() if v is None]:
        data.pop(key, None)
    return data


def errors_of(response, field):
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


# Helper endpoints of the form


def test_client_search_shows_kind_and_region(client, visitor, tampere):
    ClientFactory(name="Turun kaupunki", region="Varsinais-Suomi")
    client.force_login(visitor)
    results = client.get(reverse("visits:client_search"), {"q": "tampere"}).json()["results"]
    assert results == [
        {"id": tampere.pk, "name": tampere.name, "kind": "Municipality", "region": "Pirkanmaa"}
    ]
    by_region = client.get(reverse("visits:client_search"), {"q": "varsinais"}).json()
    assert [r["name"] for r in by_region["results"]] == ["Turun kaupunki"]


def test_client_search_finds_a_business_id_by_its_beginning(client, visitor, tampere):
    client.force_login(visitor)
    for query in ["0211675", "0211675-2"]:
        results = client.get(reverse("visits:client_search"), {"q": query}).json()["results"]
        assert [r["id"] for r in results] == [tampere.pk]


def test_the_form_script_can_say_no_client_was_found(client, running, visitor):
    client.force_login(visitor)
    response = client.get(reverse("visits:new"))
    assert response.context["script_text"]["noClientFound"] == (
        "No client found — add a new client below."
    )


def test_client_search_copes_with_hundreds_of_clients(client, visitor, django_assert_num_queries):
    Client.objects.bulk_create(Client(name=f"Kunta {n:03d}") for n in range(300))
    client.force_login(visitor)
    response = client.get(reverse("visits:client_search"), {"q": "kunta"})
    assert len(response.json()["results"]) == 20


def test_similar_clients_endpoint(client, visitor, tampere):
    client.force_login(visitor)
    similar = client.get(reverse("visits:client_similar"), {"name": "tampereen kaupunki"}).json()
    assert similar["found"]
    assert "Tampereen kaupunki is already a client" in similar["html"]
    assert f'name="pick_client" value="{tampere.pk}"' in similar["html"]
    same_id = client.get(
        reverse("visits:client_similar"), {"name": "Muu", "business_id": tampere.business_id}
    ).json()
    assert "already has this business ID" in same_id["html"]
    nothing = client.get(reverse("visits:client_similar"), {"name": "Rovaniemi"}).json()
    assert not nothing["found"]


def test_staff_search(client, visitor, colleague):
    client.force_login(visitor)
    results = client.get(reverse("visits:staff_search"), {"q": "kaisa kollega"}).json()["results"]
    assert results == [{"id": colleague.pk, "name": "Kaisa Kollega", "unit": "Tilastot"}]
    assert client.get(reverse("visits:staff_search"), {"q": "ville"}).json()["results"] == []


@pytest.mark.parametrize(
    ("endpoint", "query"),
    [
        ("visits:client_search", {"q": "tampere\x00"}),
        ("visits:staff_search", {"q": "\x00kaisa"}),
        ("visits:client_similar", {"name": "Tampere", "business_id": "\x000211675"}),
        ("visits:client_similar", {"name": "\x00" * 5}),
        ("visits:client_visits", {"client": "\x00", "exclude": "²", "campaign": "²"}),
        ("visits:client_visits", {"client": "9" * 30, "exclude": "-1"}),
        ("visits:verdict", {"campaign": "²", "minutes": "60", "visited_on": "\x00"}),
    ],
)
def test_a_helper_endpoint_answers_a_value_it_cannot_use_as_if_not_asked(
    client, running, visitor, colleague, tampere, endpoint, query
):
    client.force_login(visitor)
    response = client.get(reverse(endpoint), query)
    assert response.status_code == 200
    answer = response.json()
    assert answer.get("results", []) == []
    assert answer.get("count", 0) == 0


def test_the_earlier_visits_to_a_client_leave_out_the_visit_being_edited(
    client, running, visitor, tampere
):
    VisitFactory(campaign=running, client=tampere, created_by=visitor)
    edited = VisitFactory(
        campaign=running,
        client=tampere,
        created_by=visitor,
        visited_on=running.starts_on + dt.timedelta(days=1),
    )
    client.force_login(visitor)
    query = {"client": tampere.pk, "campaign": running.pk, "exclude": edited.pk}
    answer = client.get(reverse("visits:client_visits"), query).json()
    assert answer["count"] == 1


@pytest.mark.parametrize(
    ("query", "counts", "reason"),
    [
        ({"minutes": "60", "listened_most": "on", "not_without_campaign": "on"}, True, ""),
        ({"minutes": "30", "listened_most": "on", "not_without_campaign": "on"}, False, "shorter"),
        ({"minutes": "60", "is_remote": "True"}, False, "Remote visits do not count"),
        ({"minutes": "abc"}, None, "Fill in the form to see whether"),
    ],
)
def test_the_live_verdict_uses_the_rule(client, running, visitor, query, counts, reason):
    client.force_login(visitor)
    query = {"visited_on": dt.date.today().isoformat(), **query}
    result = client.get(reverse("visits:verdict"), query).json()
    assert result["counts"] is counts
    assert reason in result["html"]


@pytest.mark.parametrize(
    ("days_out", "message"),
    [
        (-5, "A done visit must be dated within the campaign"),
        (1000, "A planned visit must be dated on or before the end of the campaign"),
    ],
)
def test_the_live_verdict_gives_the_message_saving_would_refuse_with(
    client, running, visitor, tampere, days_out, message
):
    """Before the campaign, or years after it: the box must not promise a save that fails."""
    client.force_login(visitor)
    edge = running.starts_on if days_out < 0 else running.ends_on
    when = edge + dt.timedelta(days=days_out)
    query = {"visited_on": when.isoformat(), "minutes": "60"}
    result = client.get(reverse("visits:verdict"), query).json()
    assert result["blocked"] is True
    assert "The visit cannot be saved as it is" in result["html"]
    assert message in result["html"]
    assert "normal client work" not in result["html"]

    saved = client.post(reverse("visits:new"), form_data(tampere, today=when))
    assert saved.status_code == 400
    assert message in errors_of(saved, "visited_on")
    # After the refused save the box shows the same verdict for the form as shown again.
    assert saved.context["rule_errors"] == [errors_of(saved, "visited_on")]
    assert "The visit cannot be saved as it is" in saved.text


def test_the_live_verdict_without_minutes_takes_a_future_date_as_planned(client, running, visitor):
    client.force_login(visitor)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    result = client.get(reverse("visits:verdict"), {"visited_on": tomorrow.isoformat()}).json()
    assert result["blocked"] is False
    assert "Fill in the form to see whether" in result["html"]


# Withdraw


def test_withdrawing_keeps_the_visit_as_cancelled(client, running, visitor, tampere):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    client.force_login(visitor)
    confirm = client.get(reverse("visits:withdraw", args=[visit.pk]))
    assert "Withdraw the visit?" in confirm.text

    response = client.post(reverse("visits:withdraw", args=[visit.pk]), follow=True)

    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert "The visit is withdrawn." in response.text
    assert "This visit was withdrawn. It is kept, but it does not count" in response.text
    assert "will be saved" not in response.text
    assert LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE).exists()


# The visit list


def test_navigation_has_the_visit_entries(client, running, visitor):
    client.force_login(visitor)
    response = client.get(reverse("visits:list"))
    assert f'href="{reverse("visits:list")}" aria-current="page"' in response.text
    assert 'class="main-nav__cta"' in response.text


def test_unit_of_another_department_is_not_mixed_in(client, running, visitor):
    # A department filter on the list includes its units, not other departments.
    department = UnitFactory(code="DEP")
    inside = UnitFactory(code="IN", parent=department)
    outside = UnitFactory(code="OUT")
    mine = VisitFactory(campaign=running, participants=[StaffFactory(unit=inside)])
    VisitFactory(campaign=running, participants=[StaffFactory(unit=outside)])
    client.force_login(StaffFactory(unit=department, role="Coordinators"))
    response = client.get(reverse("visits:list"), {"unit": department.pk})
    assert [row.record for row in response.context["table"].rows] == [mine]
