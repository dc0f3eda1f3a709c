"""The stored figures follow every write: notes in the writing transaction, worked off right
after it commits, and the pages right even while notes wait."""

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from campaign.models import Campaign
from demo.seed import CURRENT_SLUG, seed_demo
from ideas.models import Idea
from leaderboard import tallies
from leaderboard.models import StaleFigures, UnitDay, UnitDayChange, UnitVisitor
from leaderboard.selectors import Figures, unit_standings
from leaderboard.services import figures_refresh
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from tests.leaderboard.reference import reference, shown
from visits.models import Visit, VisitParticipant

pytestmark = pytest.mark.django_db


def visits_of(campaign, code):
    return {s.unit.code: s.visits for s in unit_standings(campaign=campaign)}[code]


def test_a_write_notes_the_rows_it_touches_and_the_refresh_after_commit_works_them_off(
    organisation, django_capture_on_commit_callbacks
):
    campaign = organisation.campaign
    people = organisation.people
    figures_refresh()
    assert not StaleFigures.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        visit = VisitFactory(campaign=campaign, participants=[people["a1"], people["c2"]])
        noted = set(StaleFigures.objects.values_list("unit__code", "staff__username", "client_id"))
        changed = {
            (change.unit.code, change.day, change.visits, change.org_visits)
            for change in UnitDayChange.objects.all()
        }

    day = visit.visited_on
    # The joint visit counts for both units, and for the organisation once: with the lower one.
    first, second = sorted(["A", "C"], key=lambda code: organisation.units[code].pk)
    assert sum(row[2] for row in changed if row[0] == first) == 1
    assert {(code, day) for code, _day, _n, _org in changed} == {("A", day), ("C", day)}
    assert sum(org for code, _day, _n, org in changed if code == second) == 0
    assert noted == {
        ("A", people["a1"].username, None),
        ("C", people["c2"].username, None),
        (None, None, visit.client_id),
    }
    assert not StaleFigures.objects.exists()
    assert not UnitDayChange.objects.exists()
    assert Figures(campaign).stale == tallies.Keys()
    assert shown(campaign) == reference(campaign)


def test_the_refresh_after_a_write_costs_the_same_in_a_larger_campaign(organisation):
    campaign = organisation.campaign
    people = organisation.people

    def refresh_queries() -> int:
        figures_refresh()
        VisitFactory(campaign=campaign, participants=[people["a1"], people["b1"]])
        with CaptureQueriesContext(connection) as queries:
            figures_refresh()
        return len(queries)

    small = refresh_queries()
    # Many more visits, ideas, visitors and units: a refresh of the whole campaign would read
    # them in more queries.
    for n in range(40):
        person = StaffFactory(unit=UnitFactory()) if n % 2 else people[("a1", "b2")[n % 4 // 2]]
        IdeaFactory(visit=VisitFactory(campaign=campaign, participants=[person]))
    assert refresh_queries() == small
    assert shown(campaign) == reference(campaign)


def test_the_pages_are_right_while_notes_wait(organisation):
    # In a test the refresh after commit never runs: every figure read here is computed from the
    # source tables for the units noted stale, and read as stored for the others.
    campaign = organisation.campaign
    figures_refresh()
    VisitFactory(campaign=campaign, created_by=organisation.people["c2"])
    assert StaleFigures.objects.exists()
    assert visits_of(campaign, "C") == 2
    assert shown(campaign) == reference(campaign)


def test_stored_rows_equal_a_fresh_computation_after_the_refresh(organisation):
    campaign = organisation.campaign
    figures_refresh()
    assert not StaleFigures.objects.exists()
    assert UnitDay.objects.filter(campaign=campaign).exists()
    assert UnitVisitor.objects.filter(campaign=campaign).exists()
    assert shown(campaign) == reference(campaign)
    assert shown(campaign, before=organisation.visits["v7"].visited_on) == reference(
        campaign, before=organisation.visits["v7"].visited_on
    )


def test_a_change_of_counting_rules_recomputes_everything(organisation):
    campaign = organisation.campaign
    figures_refresh()
    campaign.min_minutes = 30
    campaign.save()
    assert StaleFigures.objects.filter(campaign=campaign, everything=True).exists()
    figures_refresh()
    assert visits_of(campaign, "B") == 3
    assert shown(campaign) == reference(campaign)


def test_a_unit_moved_to_another_department_moves_its_visits(organisation):
    # v1 is a joint visit of A and B, both of D1, so D1 counts it once, through A. Once B is in
    # D2, D2 counts it too.
    campaign = organisation.campaign
    figures_refresh()
    unit = organisation.units["B"]
    unit.parent = organisation.units["D2"]
    unit.save()
    figures_refresh()
    assert shown(campaign) == reference(campaign)
    d2 = organisation.units["D2"].pk
    assert shown(campaign).departments[d2][0] == 1 + 1 + 2  # C's, Tiny's, and B's v1 and v9


def test_a_participant_leaving_a_joint_visit_moves_it_to_the_other_unit(organisation):
    # The organisation attributes v1 to A, the lower of its units; without a1 it is B's alone.
    campaign = organisation.campaign
    figures_refresh()
    organisation.visits["v1"].participations.get(staff=organisation.people["a1"]).delete()
    figures_refresh()
    assert shown(campaign) == reference(campaign)
    assert shown(campaign).visits == 6


def test_a_visit_moved_to_another_client_leaves_the_first_client(organisation):
    campaign = organisation.campaign
    figures_refresh()
    visit = organisation.visits["v7"]
    first_client = visit.client
    visit.client = ClientFactory()
    visit.save()
    figures_refresh()
    assert shown(campaign) == reference(campaign)
    assert first_client.pk not in Figures(campaign).clients


def test_a_visit_moved_to_another_campaign_leaves_the_first_ones_figures(organisation):
    campaign = organisation.campaign
    other = CampaignFactory(starts_on=campaign.starts_on)
    figures_refresh()
    visit = organisation.visits["v7"]
    visit.campaign = other
    visit.save()
    figures_refresh()
    assert visits_of(campaign, "C") == 0
    assert shown(campaign) == reference(campaign)
    assert shown(other) == reference(other)


def test_a_visit_counts_through_its_participants(organisation):
    campaign = organisation.campaign
    figures_refresh()
    nobodys = VisitFactory(campaign=campaign, participants=[], client=ClientFactory())
    assert shown(campaign).visits == 6
    assert shown(campaign).clients == reference(campaign).clients
    VisitParticipant.objects.create(
        visit=nobodys, staff=organisation.people["c2"], unit=organisation.units["C"]
    )
    assert shown(campaign).visits == 7
    figures_refresh()
    assert shown(campaign) == reference(campaign)


def test_rebuild_command_picks_up_writes_made_in_plain_sql(organisation):
    campaign = organisation.campaign
    figures_refresh()
    assert visits_of(campaign, "C") == 1
    with connection.cursor() as cursor:  # no model is saved, so nothing notes the change
        cursor.execute(
            "UPDATE visits_visit SET minutes = 30 WHERE id = %s", [organisation.visits["v7"].pk]
        )
    assert visits_of(campaign, "C") == 1
    call_command("rebuild_leaderboard", campaign.slug, stdout=None)
    assert visits_of(campaign, "C") == 0
    assert shown(campaign) == reference(campaign)


def test_rebuild_command_refuses_an_unknown_campaign(organisation):
    with pytest.raises(CommandError):
        call_command("rebuild_leaderboard", "ei-ole")


def test_seed_demo_leaves_the_stored_figures_equal_to_a_fresh_computation(db):
    seed_demo(password="pw-for-tests-1")
    campaign = Campaign.objects.get(slug=CURRENT_SLUG)
    assert not StaleFigures.objects.filter(campaign=campaign).exists()
    assert shown(campaign) == reference(campaign)
    assert sum(s.visits for s in unit_standings(campaign=campaign)) > 100


@pytest.mark.django_db(transaction=True)
def test_refreshes_running_at_once_neither_block_each_other_in_a_circle_nor_lose_a_write():
    """Visits credited to two units each, logged and refreshed from several connections at once,
    in opposite orders of their units."""
    campaign = CampaignFactory(is_current=True, starts_on=dt.date.today() - dt.timedelta(days=5))
    units = [UnitFactory(code=f"R{n}") for n in range(4)]
    people = [StaffFactory(unit=unit) for unit in units]
    errors = []

    def log_and_refresh(order):
        try:
            for first, second in order:
                VisitFactory(campaign=campaign, participants=[people[first], people[second]])
                figures_refresh()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    orders = [[(0, 1), (2, 3), (1, 2)], [(1, 0), (3, 2), (2, 1)], [(3, 0), (0, 3), (1, 3)]]
    threads = [threading.Thread(target=log_and_refresh, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    figures_refresh()

    assert not errors, errors
    assert Visit.objects.filter(campaign=campaign).count() == 9
    assert not StaleFigures.objects.exists()
    assert shown(campaign) == reference(campaign)


def test_an_idea_marked_duplicate_stops_counting_for_its_units(organisation):
    campaign = organisation.campaign
    figures_refresh()
    idea = organisation.ideas["i6"]
    idea.status = Idea.Status.DUPLICATE
    idea.duplicate_of = organisation.ideas["i4"]
    idea.save()
    figures_refresh()
    assert shown(campaign) == reference(campaign)
    IdeaFactory(visit=organisation.visits["v7"], status=Idea.Status.ACCEPTED)
    assert shown(campaign) == reference(campaign)
