import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from campaign.models import Campaign
from demo.seed import CURRENT_SLUG, seed_demo
from leaderboard import selectors
from leaderboard.models import LeaderboardGeneration, StandingsSnapshot
from leaderboard.selectors import unit_standings
from leaderboard.services import leaderboard_invalidate
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def visits_of(campaign, code):
    return {s.unit.code: s.visits for s in unit_standings(campaign=campaign)}[code]


def test_invalidate_bumps_the_generation(organisation):
    campaign = organisation.campaign
    before = LeaderboardGeneration.objects.get(campaign=campaign).generation
    leaderboard_invalidate(campaign_id=campaign.pk)
    leaderboard_invalidate(campaign_id=campaign.pk)
    assert LeaderboardGeneration.objects.get(campaign=campaign).generation == before + 2


def test_figures_computed_while_a_write_commits_are_never_read(organisation):
    """A reader computes, a visit is logged and invalidates before the reader stores its
    figures: those figures are stored under the old generation and the next read recomputes."""
    campaign = organisation.campaign
    roster = selectors._roster_rows(campaign)
    fingerprint = selectors._fingerprint(campaign, roster)

    def compute_while_someone_logs_a_visit():
        figures = selectors._compute_activity(campaign, None, selectors.UNITS)
        VisitFactory(campaign=campaign, created_by=organisation.people["c2"])
        leaderboard_invalidate(campaign_id=campaign.pk)
        return figures

    stale = selectors._cached(
        campaign, {"units@now": compute_while_someone_logs_a_visit}, fingerprint
    )
    c = str(organisation.units["C"].pk)
    assert stale["units@now"]["now"][c][0] == 1
    assert visits_of(campaign, "C") == 2


def test_rebuild_command_picks_up_writes_made_in_plain_sql(organisation):
    campaign = organisation.campaign
    assert visits_of(campaign, "C") == 1
    with connection.cursor() as cursor:  # no model is saved, so nothing tells the figures
        cursor.execute(
            "UPDATE visits_visit SET minutes = 30 WHERE id = %s", [organisation.visits["v7"].pk]
        )
    assert visits_of(campaign, "C") == 1
    call_command("rebuild_leaderboard", campaign.slug, stdout=None)
    assert StandingsSnapshot.objects.filter(campaign=campaign).exists()
    assert visits_of(campaign, "C") == 0


def test_rebuild_command_refuses_an_unknown_campaign(organisation):
    with pytest.raises(CommandError):
        call_command("rebuild_leaderboard", "ei-ole")


def test_seed_demo_leaves_the_stored_figures_equal_to_the_source_tables(db):
    seed_demo(password="pw-for-tests-1")
    campaign = Campaign.objects.get(slug=CURRENT_SLUG)
    assert StandingsSnapshot.objects.filter(campaign=campaign).exists()
    stored = unit_standings(campaign=campaign)
    leaderboard_invalidate(campaign_id=campaign.pk)
    assert unit_standings(campaign=campaign) == stored
    assert sum(s.visits for s in stored) > 100
