import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Client
from campaign.roles import COORDINATORS, UNIT_MANAGERS
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    StaffFactory,
    VisitFactory,
)
from visits.models import Visit
from visits.rules import VisitStatus

pytestmark = pytest.mark.django_db


def rows(response):
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.fixture
def visits(running, visitor, colleague, outsider, tampere):
    """Mine, a colleague's in my unit, and one of another unit."""
    return {
        "mine": VisitFactory(campaign=running, client=tampere, created_by=visitor),
        "colleague": VisitFactory(campaign=running, created_by=colleague),
        "outsider": VisitFactory(campaign=running, created_by=outsider),
    }


def test_staff_see_their_own_visits(client, visits, visitor):
    client.force_login(visitor)
    assert rows(client.get(reverse("visits:list"))) == [visits["mine"]]


def test_a_co_visitor_sees_the_visit_too(client, running, visitor, outsider):
    joint = VisitFactory(campaign=running, created_by=outsider, participants=[outsider, visitor])
    client.force_login(visitor)
    assert rows(client.get(reverse("visits:list"))) == [joint]


def test_managers_see_their_unit(client, visits, unit):
    client.force_login(StaffFactory(unit=unit, role=UNIT_MANAGERS))
    response = client.get(reverse("visits:list"))
    assert set(rows(response)) == {visits["mine"], visits["colleague"]}


def test_coordinators_see_all(client, visits, other_unit):
    client.force_login(StaffFactory(unit=other_unit, role=COORDINATORS))
    assert set(rows(client.get(reverse("visits:list")))) == set(visits.values())


def test_the_current_campaign_is_the_default(client, running, visitor, tampere):
    current = VisitFactory(campaign=running, created_by=visitor)
    earlier = CampaignFactory(slug="earlier")
    old = VisitFactory(campaign=earlier, created_by=visitor)
    client.force_login(visitor)
    assert rows(client.get(reverse("visits:list"))) == [current]
    assert rows(client.get(reverse("visits:list"), {"campaign": earlier.pk})) == [old]
    assert set(rows(client.get(reverse("visits:list"), {"campaign": ""}))) == {current, old}


@pytest.fixture
def varied(running, coordinator, unit, other_unit):
    today = dt.date.today()
    return {
        "counted": VisitFactory(
            campaign=running,
            client=ClientFactory(name="Oulun kaupunki"),
            visited_on=running.starts_on,
            participants=[StaffFactory(unit=unit)],
        ),
        "short": VisitFactory(
            campaign=running,
            client=ClientFactory(name="Järjestö ry", kind=Client.Kind.NGO),
            minutes=30,
            visited_on=running.starts_on + dt.timedelta(days=2),
            participants=[StaffFactory(unit=other_unit)],
        ),
        "planned": VisitFactory(
            campaign=running,
            client=ClientFactory(name="Ministeriö", kind=Client.Kind.MINISTRY_AGENCY),
            status=VisitStatus.PLANNED,
            visited_on=today + dt.timedelta(days=2),
            participants=[StaffFactory(unit=other_unit)],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"counts": "yes"}, {"counted"}),
        ({"counts": "no"}, {"short", "planned"}),
        ({"status": "planned"}, {"planned"}),
        ({"client_kind": "ngo"}, {"short"}),
        ({"client": "oulu"}, {"counted"}),
        ({"unit": "home"}, {"counted"}),
        ({"visited_from": "start+1", "visited_to": "start+3"}, {"short"}),
        ({"mine": "true"}, set()),
    ],
)
def test_filters(client, running, varied, coordinator, unit, query, expected):
    replacements = {
        "home": str(unit.pk),
        "start+1": (running.starts_on + dt.timedelta(days=1)).isoformat(),
        "start+3": (running.starts_on + dt.timedelta(days=3)).isoformat(),
    }
    query = {key: replacements.get(value, value) for key, value in query.items()}
    client.force_login(coordinator)
    response = client.get(reverse("visits:list"), query)
    assert {name for name, v in varied.items() if v in rows(response)} == expected


@pytest.mark.parametrize(
    "query",
    [
        {"campaign": "abc"},
        {"unit": "999999"},
        {"visited_from": "not-a-date"},
        {"status": "lost"},
        {"page": "999"},
        {"page": "x"},
        {"sort": "nonsense"},
        {"sort": "-client"},
        {"counts": "maybe"},
    ],
)
def test_bad_query_strings_never_break_the_page(client, varied, coordinator, query):
    client.force_login(coordinator)
    response = client.get(reverse("visits:list"), query)
    assert response.status_code == 200


@pytest.mark.parametrize(("per_page", "shown"), [("-1", 25), ("0", 25), ("2", 2), ("1000", 100)])
def test_the_page_size_asked_for_stays_within_one_to_a_hundred(
    client, running, coordinator, per_page, shown
):
    visit = VisitFactory(campaign=running, created_by=coordinator)
    Visit.objects.bulk_create(
        Visit(
            campaign=running,
            client=visit.client,
            visited_on=visit.visited_on,
            minutes=60,
            created_by=coordinator,
            same_day_confirmed=True,
        )
        for _ in range(120)
    )
    client.force_login(coordinator)
    response = client.get(reverse("visits:list"), {"per_page": per_page})
    assert response.status_code == 200
    assert len(rows(response)) == shown


def test_sorting_by_client(client, varied, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("visits:list"), {"sort": "client"})
    assert [v.client.name for v in rows(response)] == [
        "Järjestö ry",
        "Ministeriö",
        "Oulun kaupunki",
    ]


def test_the_list_shows_why_a_visit_does_not_count(client, varied, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("visits:list"))
    assert "Normal client work" in response.text
    assert 'scope="col"' in response.text
    assert "<caption" in response.text


def _make_visits(campaign, count, people):
    for n in range(count):
        visit = VisitFactory(
            campaign=campaign,
            created_by=people[n % len(people)],
            participants=people[: 1 + n % len(people)],
            visited_on=campaign.starts_on + dt.timedelta(days=n % 10),
        )
        if n % 3 == 0:
            IdeaFactory(visit=visit)


def _queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("visits:list"), query)
    assert response.status_code == 200
    return len(captured), len(rows(response))


@pytest.mark.parametrize("query", [{}, {"counts": "yes", "sort": "client", "per_page": "100"}])
def test_the_list_runs_the_same_queries_for_5_and_40_rows(
    client, running, coordinator, unit, other_unit, query
):
    """Fewer rows than a page, and more than a page (25)."""
    people = [StaffFactory(unit=unit), StaffFactory(unit=other_unit), coordinator]
    client.force_login(coordinator)
    _make_visits(running, 5, people)
    with_5, shown_5 = _queries(client, query)
    _make_visits(running, 35, people)
    with_40, shown_40 = _queries(client, query)
    assert shown_5 < shown_40
    assert with_5 == with_40


def test_only_done_visits_that_do_not_count_are_normal_client_work(
    client, running, varied, coordinator
):
    cancelled = VisitFactory(
        campaign=running,
        client=ClientFactory(name="Peruttu Oy"),
        status=VisitStatus.CANCELLED,
        visited_on=running.starts_on,
    )
    client.force_login(coordinator)
    table = client.get(reverse("visits:list")).context["table"]
    badges = {row.record.pk: str(row.get_cell("counts")) for row in table.paginated_rows}
    assert "Counts" in badges[varied["counted"].pk]
    assert "Normal client work" in badges[varied["short"].pk]
    assert "Planned" in badges[varied["planned"].pk]
    assert "Normal client work" not in badges[varied["planned"].pk]
    assert "Cancelled" in badges[cancelled.pk]
    assert "Normal client work" not in badges[cancelled.pk]


def test_every_cell_names_its_column_for_the_phone_layout(client, visits, visitor):
    client.force_login(visitor)
    html = client.get(reverse("visits:list")).text
    for header in ["Date", "Client", "Status", "Counts", "Participants", "Ideas"]:
        assert f'<td role="cell" data-label="{header}"' in html
    assert 'role="columnheader"' in html
