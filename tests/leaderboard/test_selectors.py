import datetime as dt
from decimal import Decimal

import pytest

from campaign.models import RosterEntry
from leaderboard import scoring
from leaderboard.selectors import (
    DEPARTMENTS,
    campaign_totals,
    leaderboard_page,
    unit_standing_for,
    unit_standings,
)
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from tests.leaderboard.conftest import START

pytestmark = pytest.mark.django_db


def figures(standings):
    return {
        s.unit.code: (s.headcount, s.visits, s.visitors, s.ideas, s.accepted, s.leaders)
        for s in standings
    }


def test_unit_figures_match_the_hand_computed_fixture(organisation):
    standings = unit_standings(campaign=organisation.campaign)
    assert figures(standings) == {
        "A": (4, 3, 4, 3, 2, 1),
        "B": (5, 2, 2, 2, 1, 1),
        "C": (3, 1, 1, 1, 1, 0),
        "E": (3, 0, 0, 0, 0, 0),
        "T": (2, 1, 1, 0, 0, 0),
    }


def test_scores_ranks_ties_and_the_unit_below_the_minimum_size(organisation):
    standings = unit_standings(campaign=organisation.campaign)
    assert [(s.unit.code, s.score, s.rank, s.ranked) for s in standings] == [
        ("A", Decimal("40"), 1, True),
        ("B", Decimal("20"), 2, True),
        ("C", Decimal("20"), 2, True),
        ("E", Decimal("0"), 4, True),
        ("T", Decimal("5"), None, False),
    ]


def test_a_unit_with_nobody_on_the_roster_has_no_score_and_no_rank(organisation):
    campaign = organisation.campaign
    campaign.min_unit_size = 0
    campaign.save()
    newcomer = StaffFactory(unit=UnitFactory(name="Uusi yksikkö", code="N"))
    VisitFactory(campaign=campaign, created_by=newcomer)
    standings = unit_standings(campaign=campaign)
    new = next(s for s in standings if s.unit.code == "N")
    assert (new.headcount, new.visits, new.score, new.ranked, new.rank) == (0, 1, None, False, None)
    # With the minimum size 0, Tiny is ranked now; the unit without a roster still is not.
    assert [(s.unit.code, s.rank) for s in standings] == [
        ("A", 1),
        ("B", 2),
        ("C", 2),
        ("T", 4),
        ("E", 5),
        ("N", None),
    ]


def test_derived_figures(organisation):
    by_code = {s.unit.code: s for s in unit_standings(campaign=organisation.campaign)}
    a = by_code["A"]
    assert a.participation == 1.0
    assert a.visits_per_10 == pytest.approx(7.5)
    assert a.idea_yield == 1.0
    assert a.leaders_on_roster == 1
    assert by_code["E"].idea_yield is None
    expected = scoring.adjusted_yield(ideas=0, visits=0, campaign_yield=4 / 6)
    assert by_code["E"].adjusted_yield == expected
    assert by_code["E"].participation == 0.0
    # Adjusted yield is pulled towards the organisation's 4 / 6 and below the raw yield of A.
    assert 0 < a.adjusted_yield < a.idea_yield


def test_organisation_totals_count_a_joint_visit_once(organisation):
    totals = campaign_totals(campaign=organisation.campaign)
    assert (totals.visits, totals.ideas) == (6, 4)
    assert totals.idea_yield == pytest.approx(4 / 6)


def test_department_roll_up_counts_a_joint_visit_of_two_of_its_units_once(organisation):
    standings = unit_standings(campaign=organisation.campaign, level=DEPARTMENTS)
    assert figures(standings) == {
        # v1 (A + B), v2, v3 and v9; visitors a1, a2, a3, m, b1, b2; ideas i1, i2, i4.
        "D1": (12, 4, 6, 3, 2, 2),
        "D2": (5, 2, 2, 1, 1, 0),
    }


def test_as_of_limits_visits_by_date_and_ideas_by_when_they_were_recorded(organisation):
    as_of = START + dt.timedelta(days=10)
    by_code = figures(unit_standings(campaign=organisation.campaign, as_of=as_of))
    # v9 (day 20) is not yet there for B; i2 (recorded on day 15) not yet for A and B.
    assert by_code["A"] == (4, 3, 4, 2, 1, 1)
    assert by_code["B"] == (5, 1, 1, 1, 0, 1)
    totals = campaign_totals(campaign=organisation.campaign, as_of=as_of)
    assert (totals.visits, totals.ideas) == (5, 3)


def test_leaderboard_page_compares_ranks_with_a_week_earlier(organisation):
    board = leaderboard_page(campaign=organisation.campaign, today=START + dt.timedelta(days=17))
    assert board.compared_with == START + dt.timedelta(days=10)
    by_code = {s.unit.code: s for s in board.standings}
    # Day 10: A (2 + 6 + 2) × 10 / 4 = 25, C 20, B (1 + 3) × 10 / 5 = 8, Empty 0.
    # Today: A 40, B 20, C 20, Empty 0.
    assert by_code["A"].previous_rank == 1
    assert by_code["A"].rank_change == 0
    assert by_code["B"].previous_rank == 3
    assert by_code["B"].rank_change == 1
    assert by_code["C"].previous_rank == 2
    assert by_code["C"].rank_change == 0
    assert by_code["T"].rank_change is None


def test_no_comparison_in_the_first_week(organisation):
    board = leaderboard_page(campaign=organisation.campaign, today=START + dt.timedelta(days=3))
    assert board.compared_with is None
    assert all(s.previous_rank is None for s in board.standings)


def test_daily_progress_is_cumulative(organisation):
    board = leaderboard_page(campaign=organisation.campaign, today=START + dt.timedelta(days=21))
    days = {d.day: (d.visits, d.ideas) for d in board.days}
    assert len(board.days) == 22
    assert days[START] == (0, 0)
    assert days[START + dt.timedelta(days=3)] == (1, 1)  # v1, i1
    assert days[START + dt.timedelta(days=4)] == (2, 2)  # v2, i4 (i3 is a duplicate)
    assert days[START + dt.timedelta(days=7)] == (5, 3)  # v3, v7, v8, i6
    assert days[START + dt.timedelta(days=15)] == (5, 4)  # i2
    assert days[START + dt.timedelta(days=21)] == (6, 4)  # v9


def test_visit_target_is_per_ranked_unit(organisation):
    organisation.campaign.visit_target_per_unit = 10
    board = leaderboard_page(campaign=organisation.campaign, today=START)
    assert board.ranked_units == 4
    assert board.visit_target == 40


def test_my_standing(organisation):
    mine = unit_standing_for(user=organisation.people["b2"], campaign=organisation.campaign)
    assert mine.standing.unit.code == "B"
    assert mine.standing.rank == 2
    assert mine.ranked_units == 4


def test_a_lucky_small_unit_does_not_outrank_a_steady_one_on_adjusted_yield(db):
    campaign = CampaignFactory()
    lucky_unit, steady_unit = UnitFactory(code="LUCKY"), UnitFactory(code="STEADY")
    lucky = StaffFactory(unit=lucky_unit)
    steady = StaffFactory(unit=steady_unit)
    for person in (lucky, steady):
        RosterEntryFactory(campaign=campaign, staff=person)
    for _n in range(2):
        IdeaFactory(visit=VisitFactory(campaign=campaign, created_by=lucky))
    for n in range(100):
        visit = VisitFactory(campaign=campaign, created_by=steady)
        if n < 30:
            IdeaFactory(visit=visit)
    by_code = {s.unit.code: s for s in unit_standings(campaign=campaign)}
    assert by_code["LUCKY"].idea_yield == 1.0
    assert by_code["STEADY"].idea_yield == 0.3
    assert by_code["LUCKY"].adjusted_yield < by_code["STEADY"].adjusted_yield


def test_stored_figures_follow_a_save_outside_the_services_at_once(organisation):
    # The Django admin and the shell save rows without the services; the figures follow them.
    campaign = organisation.campaign
    assert figures(unit_standings(campaign=campaign))["C"] == (3, 1, 1, 1, 1, 0)
    VisitFactory(campaign=campaign, created_by=organisation.people["c2"])
    assert figures(unit_standings(campaign=campaign))["C"] == (3, 2, 2, 1, 1, 0)


def test_changed_counting_rules_are_never_read_from_old_figures(organisation):
    campaign = organisation.campaign
    unit_standings(campaign=campaign)
    campaign.min_minutes = 30
    campaign.save()
    # v6 (30 minutes) now counts for B, without anyone invalidating.
    assert figures(unit_standings(campaign=campaign))["B"][1] == 3


def test_changed_weights_and_minimum_size_show_at_once(organisation):
    campaign = organisation.campaign
    unit_standings(campaign=campaign)
    campaign.weight_idea = Decimal("0")
    campaign.min_unit_size = 2
    campaign.save()
    by_code = {s.unit.code: s for s in unit_standings(campaign=campaign)}
    assert by_code["A"].score == Decimal("17.50")  # (3 + 0 × 3 + 2 × 2) × 10 / 4
    assert by_code["T"].ranked
    assert by_code["T"].rank is not None


def test_a_roster_change_is_never_read_from_old_figures(organisation):
    campaign = organisation.campaign
    unit_standings(campaign=campaign)
    RosterEntry.objects.filter(campaign=campaign, staff=organisation.people["a4"]).update(
        unit=organisation.units["B"]
    )
    by_code = figures(unit_standings(campaign=campaign))
    assert by_code["A"][0] == 3
    assert by_code["B"][0] == 6


def test_a_leadership_change_on_the_roster_is_never_read_from_old_figures(organisation):
    campaign = organisation.campaign
    assert figures(unit_standings(campaign=campaign))["A"][5] == 1
    # a1 (who visited) hands the leadership over to a4 (who did not): same number of leaders.
    RosterEntry.objects.filter(campaign=campaign, staff=organisation.people["a1"]).update(
        is_leadership=False
    )
    RosterEntry.objects.filter(campaign=campaign, staff=organisation.people["a4"]).update(
        is_leadership=True
    )
    assert figures(unit_standings(campaign=campaign))["A"][5] == 0
