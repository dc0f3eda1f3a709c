"""The visit form's client and co-visitor pickers: what the page holds at any size, and the form
sent without JavaScript, where the server resolves what was typed in the pickers' boxes."""

import re

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Client
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import ClientFactory, StaffFactory, VisitFactory
from tests.pages.test_visit_pages import errors_of, form_data
from visits.models import Visit

pytestmark = pytest.mark.django_db


def typed(client_text="", **overrides):
    """The form as sent without JavaScript: the client typed in its box, no id chosen."""
    return form_data(client_query=client_text, **overrides)


def _hidden_client(response) -> str:
    return re.search(r'name="client" value="([^"]*)"', response.text)[1]


# --- The page does not grow with the organisation ---------------------------------------------


def _form_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("visits:new"))
    assert response.status_code == 200
    return len(queries), response.text


def test_the_form_lists_no_clients_or_people_and_its_queries_do_not_grow(
    client, running, visitor, unit
):
    client.force_login(visitor)
    few_queries, few = _form_page(client)
    Client.objects.bulk_create(Client(name=f"Suuri kunta {n:03d}") for n in range(200))
    for n in range(30):
        StaffFactory(first_name="Laaja", last_name=f"Henkilöstö{n:02d}", unit=unit)
    many_queries, many = _form_page(client)
    assert many_queries == few_queries
    assert "Suuri kunta" not in many
    assert "Henkilöstö" not in many
    assert abs(len(many) - len(few)) < 200  # only the tokens differ


# --- The client, typed ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["tampereen  KAUPUNKI", "0211675-2"])
def test_an_exact_name_or_business_id_chooses_the_client(client, running, visitor, tampere, text):
    ClientFactory(name="Tampereen seudun kunnat")
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), typed(text))
    assert response.status_code == 302
    assert Visit.objects.get().client == tampere


def test_a_part_of_a_name_offers_the_matches_and_keeps_what_was_typed(
    client, running, visitor, tampere
):
    seutu = ClientFactory(name="Tampereen seudun kunnat")
    ClientFactory(name="Turun kaupunki")
    client.force_login(visitor)

    asked = client.post(reverse("visits:new"), typed("Tampere", notes="Kuuntelimme tarkkaan."))

    assert asked.status_code == 400
    assert "“Tampere” is not exactly the name or business ID of a client" in errors_of(
        asked, "client"
    )
    offered = re.findall(r'name="client_match" value="(\d+)"', asked.text)
    assert offered == [str(tampere.pk), str(seutu.pk)]
    assert 'value="Tampere"' in asked.text
    assert "Kuuntelimme tarkkaan." in asked.text
    assert not Visit.objects.exists()

    chosen = client.post(
        reverse("visits:new"), asked.context["form"].data | {"client_match": str(tampere.pk)}
    )
    assert chosen.status_code == 302
    assert Visit.objects.get().client == tampere


def test_a_client_that_nothing_matches_says_so_unless_a_new_client_is_added(
    client, running, visitor
):
    client.force_login(visitor)
    refused = client.post(reverse("visits:new"), typed("Olematon Oy"))
    assert refused.status_code == 400
    assert "No client matches “Olematon Oy”" in errors_of(refused, "client")
    assert "add a new client below" in errors_of(refused, "client")

    added = client.post(reverse("visits:new"), typed("Olematon Oy", new_client_name="Olematon Oy"))
    assert added.status_code == 302
    assert Visit.objects.get().client.name == "Olematon Oy"


def test_find_shows_the_client_found_without_saving(client, running, visitor, colleague, tampere):
    VisitFactory(campaign=running, client=tampere, created_by=colleague)
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), typed("tampereen kaupunki", find_client="1"))
    assert response.status_code == 200
    assert _hidden_client(response) == str(tampere.pk)
    assert 'value="Tampereen kaupunki"' in response.text
    assert "This client has already been visited once in this campaign" in response.text
    assert not response.context["form"].errors
    assert Visit.objects.count() == 1


def test_a_client_typed_over_the_one_chosen_before_wins(client, running, visitor, tampere):
    turku = ClientFactory(name="Turun kaupunki")
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), form_data(tampere, client_query="turun kaupunki"))
    assert response.status_code == 302
    assert Visit.objects.get().client == turku


def test_the_chosen_id_decides_when_the_box_shows_its_name(client, running, visitor, tampere):
    client.force_login(visitor)
    sent = form_data(tampere, client_query="Tampereen kaupunki")
    assert client.post(reverse("visits:new"), sent).status_code == 302
    assert Visit.objects.get().client == tampere


# --- Co-visitors, typed -----------------------------------------------------------------------


def test_add_puts_the_colleague_named_on_the_visit(client, running, visitor, colleague, tampere):
    client.force_login(visitor)
    shown = client.post(
        reverse("visits:new"),
        form_data(tampere, co_visitors_query="kaisa kollega", add_co_visitor="1"),
    )
    assert shown.status_code == 200
    assert not Visit.objects.exists()
    assert f'name="co_visitors" value="{colleague.pk}"' in shown.text
    assert shown.context["form"].data["co_visitors_query"] == ""

    sent_again = shown.context["form"].data.copy()
    sent_again.pop("add_co_visitor")
    saved = client.post(reverse("visits:new"), sent_again)
    assert saved.status_code == 302
    assert {p.staff for p in Visit.objects.get().participations.all()} == {visitor, colleague}


def test_a_name_of_several_people_asks_who_took_part(client, running, visitor, colleague, tampere):
    other = StaffFactory(first_name="Kaisa", last_name="Kumppani", unit=colleague.unit)
    client.force_login(visitor)

    asked = client.post(reverse("visits:new"), form_data(tampere, co_visitors_query="Kaisa"))

    assert asked.status_code == 400
    assert "“Kaisa” is not exactly one person's name" in errors_of(asked, "co_visitors")
    offered = re.findall(r'name="co_visitors_match" value="(\d+)"', asked.text)
    assert sorted(offered) == sorted([str(colleague.pk), str(other.pk)])
    assert '<a href="#id_co_visitors_query">' in asked.text

    ticked = asked.context["form"].data | {"co_visitors_match": [str(other.pk)]}
    assert client.post(reverse("visits:new"), ticked).status_code == 302
    assert {p.staff for p in Visit.objects.get().participations.all()} == {visitor, other}


def test_the_logger_is_not_offered_as_their_own_co_visitor(client, running, visitor, tampere):
    client.force_login(visitor)
    refused = client.post(
        reverse("visits:new"), form_data(tampere, co_visitors_query="Ville Vierailija")
    )
    assert refused.status_code == 400
    assert "Nobody matches “Ville Vierailija”" in errors_of(refused, "co_visitors")


def test_a_co_visitor_unticked_is_taken_off_the_visit(client, running, visitor, colleague, tampere):
    visit = VisitFactory(
        campaign=running, client=tampere, created_by=visitor, participants=[visitor, colleague]
    )
    client.force_login(visitor)
    page = client.get(reverse("visits:edit", args=[visit.pk]))
    assert f'name="co_visitors" value="{colleague.pk}"' in page.text
    assert 'value="Tampereen kaupunki"' in page.text
    initial = page.context["form"].initial
    data = form_data(
        tampere,
        status="done",
        visited_on=visit.visited_on.isoformat(),
        revision=initial["revision"],
    )
    assert client.post(reverse("visits:edit", args=[visit.pk]), data).status_code == 302
    assert {p.staff for p in visit.participations.all()} == {visitor}


# --- Editing ----------------------------------------------------------------------------------


def test_an_outdated_edit_takes_the_client_someone_else_chose_meanwhile(
    client, running, visitor, colleague, tampere
):
    visit = VisitFactory(
        campaign=running, client=tampere, created_by=visitor, participants=[visitor, colleague]
    )
    turku = ClientFactory(name="Turun kaupunki")
    client.force_login(visitor)
    page = client.get(reverse("visits:edit", args=[visit.pk]))
    revision = page.context["form"].initial["revision"]
    mine = form_data(
        tampere,
        client_query="Tampereen kaupunki",
        status="done",
        visited_on=visit.visited_on.isoformat(),
        minutes="90",
        co_visitors=[str(colleague.pk)],
        revision=revision,
    )
    other = BrowserClient(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(colleague)
    theirs = mine | {"client": str(turku.pk), "client_query": "", "minutes": "60"}
    assert other.post(reverse("visits:edit", args=[visit.pk]), theirs).status_code == 302

    refused = client.post(reverse("visits:edit", args=[visit.pk]), mine)
    assert refused.status_code == 409
    assert _hidden_client(refused) == str(turku.pk)
    assert 'value="Turun kaupunki"' in refused.text

    again = client.post(reverse("visits:edit", args=[visit.pk]), refused.context["form"].data)
    assert again.status_code == 302
    visit.refresh_from_db()
    assert (visit.client, visit.minutes) == (turku, 90)


# --- The searches behind the comboboxes -------------------------------------------------------


def test_the_searches_are_for_people_who_log_visits(client, running, tampere):
    nobody = StaffFactory(username="no-role")
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(reverse("visits:client_search"), {"q": "tampere"}).status_code == 403
    assert client.get(reverse("visits:staff_search"), {"q": "kaisa"}).status_code == 403


def test_the_staff_search_leaves_out_the_asker_the_logger_and_inactive_people(
    client, visitor, colleague, unit
):
    logger = StaffFactory(first_name="Kaisa", last_name="Kirjaaja", unit=unit)
    StaffFactory(first_name="Kaisa", last_name="Entinen", unit=unit, is_active=False)
    me = StaffFactory(first_name="Kaisa", last_name="Minä", unit=unit)
    client.force_login(me)
    results = client.get(reverse("visits:staff_search"), {"q": "kaisa", "exclude": logger.pk})
    assert [r["id"] for r in results.json()["results"]] == [colleague.pk]


def test_the_client_search_puts_names_starting_with_the_words_first(client, visitor):
    ClientFactory(name="Keski-Suomen hyvinvointialue")
    ClientFactory(name="Suomen Kuntaliitto")
    client.force_login(visitor)
    results = client.get(reverse("visits:client_search"), {"q": "suomen"}).json()["results"]
    assert [r["name"] for r in results] == ["Suomen Kuntaliitto", "Keski-Suomen hyvinvointialue"]
