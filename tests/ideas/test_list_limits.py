"""The idea list at any size: its queries pinned, its count capped, each page's collecting units
read for that page, the ideas of the latest visits first."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.tables import CappedPaginator
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import IdeaFactory, StaffFactory, ThemeFactory, UnitFactory, VisitFactory

pytestmark = pytest.mark.django_db

LIST = reverse("ideas:list")


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 10)


def _ideas(campaign, count, people, themes):
    for n in range(count):
        visit = VisitFactory(
            campaign=campaign,
            created_by=people[n % len(people)],
            participants=list({people[n % len(people)], people[(n + 1) % len(people)]}),
            visited_on=campaign.starts_on + dt.timedelta(days=n % 5),
        )
        IdeaFactory(visit=visit, theme=themes[n % len(themes)])


# Session and user, the two permission lookups, the session's remembered list, the current
# campaign (the filter's default, its own check, the navigation), the capped count, the filter's
# choices (campaigns, themes, units twice, regions), the page and its collecting units; a unit
# filter adds the unit's check and its ids.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 15),
        ({"sort": "theme"}, 15),
        ({"sort": "-client", "q": "idea"}, 15),
        ({"collecting_unit": "UNIT", "sort": "owner_unit"}, 17),
        ({"status": "new", "page": "9999"}, 15),
        ({"campaign": ""}, 13),
    ],
)
def test_the_list_runs_exactly_these_queries_however_many_ideas(
    client, campaign, coordinator, small_cap, query, expected
):
    units = [UnitFactory() for _ in range(2)]
    people = [StaffFactory(unit=unit) for unit in units]
    themes = [ThemeFactory() for _ in range(2)]
    query = {key: str(units[0].pk) if value == "UNIT" else value for key, value in query.items()}
    client.force_login(coordinator)
    _ideas(campaign, 3, people, themes)
    client.get(LIST, query)  # the first view remembers the filters in the session
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, query)
    _ideas(campaign, 10, people, themes)
    client.get(LIST, query)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST, query)
    assert len(few) == len(many) == expected


def test_more_ideas_than_the_cap_are_more_than_it(client, campaign, coordinator, small_cap):
    people = [StaffFactory()]
    _ideas(campaign, 12, people, [ThemeFactory()])
    client.force_login(coordinator)
    response = client.get(LIST, {"per_page": "5", "page": "7"})
    assert "More than 10 ideas match the filters." in response.text
    assert "There is no page 7: this is page 2, the last one." in response.text


def test_each_idea_shows_the_units_of_its_visit(client, campaign, coordinator):
    north, south = UnitFactory(name="Pohjoinen"), UnitFactory(name="Etelä")
    visit = VisitFactory(
        campaign=campaign,
        created_by=StaffFactory(unit=north),
        participants=[StaffFactory(unit=north), StaffFactory(unit=south)],
    )
    idea = IdeaFactory(visit=visit)
    client.force_login(coordinator)
    table = client.get(LIST).context["table"]
    [row] = table.paginated_rows
    assert row.record == idea
    assert row.get_cell("collecting_units") == "Etelä, Pohjoinen"


def test_unsorted_the_ideas_of_the_latest_visits_come_first(client, campaign, coordinator):
    person = StaffFactory()
    early = VisitFactory(campaign=campaign, created_by=person, visited_on=campaign.starts_on)
    late = VisitFactory(
        campaign=campaign, created_by=person, visited_on=campaign.starts_on + dt.timedelta(days=3)
    )
    late_first, early_one, late_second = (
        IdeaFactory(visit=late),
        IdeaFactory(visit=early),
        IdeaFactory(visit=late),
    )
    client.force_login(coordinator)
    rows = [row.record for row in client.get(LIST).context["table"].paginated_rows]
    assert rows == [late_second, late_first, early_one]
