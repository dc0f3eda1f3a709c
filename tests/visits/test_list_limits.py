"""The visit list at any size: its queries pinned, its count capped, its pages stable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.roles import COORDINATORS
from campaign.tables import CappedPaginator
from tests.factories import ClientFactory, IdeaFactory, StaffFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

LIST = reverse("visits:list")


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 10)


def _visits(campaign, count, people, client=None):
    """Visits of every kind: one in four is too short to count."""
    for n in range(count):
        visit = VisitFactory(
            campaign=campaign,
            client=client or ClientFactory(),
            created_by=people[n % len(people)],
            participants=people[: 1 + n % len(people)],
            minutes=30 if n % 4 == 1 else 60,
            same_day_confirmed=True,
        )
        if n % 3 == 0:
            IdeaFactory(visit=visit)


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, query)
    assert response.status_code == 200
    return len(captured)


# Session and user, the two permission lookups, the current campaign (the filter's default, the
# filter's own check, the navigation), the capped count, the filter's campaign and unit choices,
# the page, its participants, its idea counts; a unit filter adds the unit's check and its ids.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 14),
        ({"sort": "client"}, 14),
        ({"sort": "-status", "counts": "no"}, 14),
        ({"unit": "HOME", "sort": "kind"}, 16),
        ({"client": "asiakas", "page": "9999"}, 14),
        ({"campaign": ""}, 12),
    ],
)
def test_the_list_runs_exactly_these_queries_however_many_visits(
    client, running, unit, other_unit, small_cap, query, expected
):
    coordinator = StaffFactory(unit=unit, role=COORDINATORS)
    people = [coordinator, StaffFactory(unit=unit), StaffFactory(unit=other_unit)]
    query = {key: str(unit.pk) if value == "HOME" else value for key, value in query.items()}
    client.force_login(coordinator)
    _visits(running, 3, people)
    assert _queries(client, query) == expected
    _visits(running, 10, people)  # past the cap of ten: counted as "more than"
    assert _queries(client, query) == expected


def test_more_visits_than_the_cap_are_more_than_it_and_pages_stop_there(
    client, running, coordinator, small_cap
):
    _visits(running, 14, [coordinator])
    client.force_login(coordinator)

    first = client.get(LIST, {"per_page": "4"})
    assert first.context["table"].paginator.is_capped
    assert "More than 10 visits" in first.text
    assert "The pages go as far as the first 10 rows" in first.text

    past = client.get(LIST, {"per_page": "4", "page": "9"})
    assert past.status_code == 200
    assert past.context["table"].page.number == 3
    assert "There is no page 9: this is page 3, the last one." in past.text
    assert len(past.context["table"].paginated_rows) == 2  # the 9th and 10th visit


def test_fewer_visits_than_the_cap_are_counted_exactly(client, running, coordinator):
    _visits(running, 3, [coordinator])
    client.force_login(coordinator)
    response = client.get(LIST)
    assert not response.context["table"].paginator.is_capped
    assert "3 visits" in response.text
    assert "The pages go as far" not in response.text


@pytest.mark.parametrize("sort", ["client", "-client", "kind", "status", "-visited_on"])
def test_pages_of_tied_rows_never_repeat_or_skip_a_visit(client, running, coordinator, sort):
    tampere = ClientFactory(name="Tampere")
    _visits(running, 7, [coordinator], client=tampere)
    client.force_login(coordinator)
    shown = []
    for page in (1, 2, 3, 4):
        table = client.get(LIST, {"sort": sort, "per_page": "2", "page": page}).context["table"]
        shown += [row.record.pk for row in table.paginated_rows]
    assert sorted(shown) == sorted(Visit.objects.values_list("pk", flat=True))


def test_each_visit_shows_its_own_idea_count(client, running, coordinator):
    two = VisitFactory(campaign=running, created_by=coordinator)
    IdeaFactory.create_batch(2, visit=two)
    none = VisitFactory(campaign=running, created_by=coordinator)
    client.force_login(coordinator)
    table = client.get(LIST).context["table"]
    counts = {row.record.pk: row.get_cell("idea_count") for row in table.paginated_rows}
    assert counts == {two.pk: 2, none.pk: 0}
    # Counted for the page only, so it is not an order.
    assert not table.columns["idea_count"].orderable


def test_the_campaign_column_shows_only_when_the_list_spans_campaigns(client, running, coordinator):
    VisitFactory(campaign=running, created_by=coordinator)
    client.force_login(coordinator)
    one = client.get(LIST)
    assert "campaign" not in [column.name for column in one.context["table"].columns]
    every = client.get(LIST, {"campaign": ""})
    assert "campaign" in [column.name for column in every.context["table"].columns]
    assert running.name in every.text


def test_the_client_filter_finds_part_of_a_name_whatever_its_case(client, running, coordinator):
    oulu = VisitFactory(
        campaign=running, created_by=coordinator, client=ClientFactory(name="Oulun kaupunki")
    )
    VisitFactory(campaign=running, created_by=coordinator, client=ClientFactory(name="Espoo"))
    client.force_login(coordinator)
    for text in ["OULUN", "n kaup", "oulun kaupunki"]:
        table = client.get(LIST, {"client": text}).context["table"]
        assert [row.record for row in table.paginated_rows] == [oulu]
    assert not client.get(LIST, {"client": "100%"}).context["table"].paginated_rows
