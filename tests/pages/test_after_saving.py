"""After saving a visit: a way to log another, and a short note of the step taken (a milestone of
the person or the unit, the unit's rank); the leaders who visited on the front page."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from leaderboard.selectors import leaders_who_visited, visit_progress
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import (
    ClientFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from tests.pages.test_visit_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(running, visitor, colleague):
    """The visitor's unit has three on the roster (a leader among them), another unit two."""
    leader = StaffFactory(
        unit=visitor.unit, is_leadership=True, first_name="Liisa", last_name="Johtaja"
    )
    for person in (visitor, colleague, leader):
        RosterEntryFactory(campaign=running, staff=person)
    other = UnitFactory(name="Viestintä", code="VIE")
    for _n in range(2):
        RosterEntryFactory(campaign=running, staff=StaffFactory(unit=other))
    running.min_unit_size = 1
    running.visit_target_per_unit = 3
    running.save()
    return leader


def _log(client, **overrides):
    response = client.post(reverse("visits:new"), form_data(client=ClientFactory(), **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return [str(message) for message in get_messages(response.wsgi_request)], response


def test_the_first_counted_visit_is_welcomed_with_the_units_rank(client, team, visitor):
    client.force_login(visitor)
    notes, response = _log(client)
    assert notes == [
        "Thank you! The visit is saved and counts for the campaign. Your first visit of the "
        "campaign – great that you set out! Tilastot is ranked 1 of 2."
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Log another visit" in page
    assert reverse("visits:new") in page


def test_a_unit_reaching_its_target_is_told(client, team, visitor, colleague, running):
    VisitFactory(campaign=running, created_by=colleague)
    VisitFactory(campaign=running, created_by=colleague, client=ClientFactory())
    client.force_login(visitor)
    notes, _response = _log(client)
    assert "Tilastot has now reached 3 counted visits!" in notes[0]


def test_the_progress_is_counted_from_the_figures(running, team, visitor):
    for _n in range(4):
        VisitFactory(campaign=running, created_by=visitor, client=ClientFactory())
    visit = VisitFactory(campaign=running, created_by=visitor, client=ClientFactory())
    progress = visit_progress(visit=visit, user=visitor)
    assert (progress.my_visits, progress.my_milestone) == (5, 5)
    assert (progress.standing.unit, progress.standing.visits) == (visitor.unit, 5)
    assert progress.unit_milestone is None  # 5 is no round number for a unit, nor its target


def test_a_planned_visit_is_not_told_it_failed(client, team, visitor, today):
    client.force_login(visitor)
    later = today + dt.timedelta(days=5)
    notes, _response = _log(
        client, visited_on=later.isoformat(), listened_most=None, not_without_campaign=None
    )
    assert notes[0].startswith("The planned visit is saved. Once it has taken place")
    assert "does not count" not in notes[0]


def test_normal_client_work_is_said_kindly(client, team, visitor):
    client.force_login(visitor)
    notes, _response = _log(client, minutes="20")
    assert notes[0].startswith("The visit is saved as normal client work")


def test_the_front_page_lists_the_leaders_who_visited(client, team, visitor, running):
    VisitFactory(
        campaign=running,
        created_by=team,
        client=ClientFactory(),
        visited_on=running.starts_on + dt.timedelta(days=1),
    )
    assert [(leader.name, leader.unit) for leader in leaders_who_visited(campaign=running)] == [
        ("Liisa Johtaja", "Tilastot")
    ]
    client.force_login(visitor)
    html = client.get("/").content.decode()
    assert "Leaders who visited" in html
    assert "Liisa Johtaja" in html
