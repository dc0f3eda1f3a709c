from decimal import Decimal

import pytest

from leaderboard import scoring


def test_ratio_is_none_when_there_is_nothing_to_divide_by():
    assert scoring.ratio(3, 4) == 0.75
    assert scoring.ratio(3, 0) is None
    assert scoring.idea_yield(ideas=0, visits=0) is None


def test_adjusted_yield_worked_by_hand():
    # Prior: 10 visits at 0.25 = 2.5 ideas. Unit: 4 ideas from 6 visits.
    # Mean (2.5 + 4) / 16 = 0.40625; spread sqrt(6.5) / 16 = 0.15934; 0.40625 - 1.64 × 0.15934.
    value = scoring.adjusted_yield(ideas=4, visits=6, campaign_yield=0.25)
    assert value == pytest.approx(0.40625 - 1.64 * 0.159344, abs=1e-5)


def test_adjusted_yield_of_a_unit_without_visits_is_never_negative():
    assert scoring.adjusted_yield(ideas=0, visits=0, campaign_yield=0.25) == 0.0


# Up to one idea per two visits organisation-wide (the original campaign had one per four). Above
# that, a unit with 30 ideas from 100 visits is far below the organisation and may rank lower.
@pytest.mark.parametrize("campaign_yield", [0.1, 0.25, 32 / 102, 0.4, 0.5])
def test_two_lucky_visits_do_not_beat_a_long_steady_record(campaign_yield):
    lucky = scoring.adjusted_yield(ideas=2, visits=2, campaign_yield=campaign_yield)
    steady = scoring.adjusted_yield(ideas=30, visits=100, campaign_yield=campaign_yield)
    assert scoring.idea_yield(ideas=2, visits=2) > scoring.idea_yield(ideas=30, visits=100)
    assert lucky < steady


def test_more_visits_at_the_same_yield_is_worth_more():
    few = scoring.adjusted_yield(ideas=5, visits=10, campaign_yield=0.25)
    many = scoring.adjusted_yield(ideas=50, visits=100, campaign_yield=0.25)
    assert few < many


WEIGHTS = {
    "weight_visit": Decimal("1"),
    "weight_idea": Decimal("3"),
    "weight_accepted": Decimal("2"),
}


def test_score_per_ten_roster_members():
    # (1·3 + 3·3 + 2·2) × 10 / 4 = 40
    assert scoring.score(visits=3, ideas=3, accepted=2, headcount=4, **WEIGHTS) == Decimal("40")
    # (1·1 + 3·1 + 2·1) × 10 / 3 = 20
    assert scoring.score(visits=1, ideas=1, accepted=1, headcount=3, **WEIGHTS) == Decimal("20")


def test_the_score_is_exact_so_close_scores_do_not_tie():
    # (1·3 + 3·3 + 2·4) × 10 / 6 = 33.333… and 33.33: equal when rounded to cents, not in fact.
    close = scoring.score(visits=3, ideas=3, accepted=4, headcount=6, **WEIGHTS)
    assert close != Decimal("33.33")
    seven = scoring.score(visits=1, ideas=0, accepted=0, headcount=7, **WEIGHTS)
    assert seven == Decimal(10) / 7
    # Equal fractions are equal Decimals: 2 per 10 people of 6 and 1 per 10 of 3.
    six = scoring.score(visits=2, ideas=0, accepted=0, headcount=6, **WEIGHTS)
    three = scoring.score(visits=1, ideas=0, accepted=0, headcount=3, **WEIGHTS)
    assert six == three
    ranks = scoring.competition_ranks(
        [Decimal("33.33"), close, six, three], key=lambda s: s, eligible=lambda s: True
    )
    assert ranks == [2, 1, 3, 3]


def test_score_without_per_capita_and_with_no_roster():
    assert scoring.score(
        visits=3, ideas=1, accepted=0, headcount=7, per_capita=False, **WEIGHTS
    ) == Decimal("6")
    # Nobody on the roster: no score, whether or not it is per capita.
    assert scoring.score(visits=3, ideas=1, accepted=0, headcount=0, **WEIGHTS) is None
    assert (
        scoring.score(visits=3, ideas=1, accepted=0, headcount=0, per_capita=False, **WEIGHTS)
        is None
    )


def test_competition_ranks_share_ties_and_skip_ineligible():
    items = [("a", 5, True), ("b", 9, False), ("c", 5, True), ("d", 7, True), ("e", 1, True)]
    ranks = scoring.competition_ranks(items, key=lambda i: i[1], eligible=lambda i: i[2])
    assert ranks == [2, None, 2, 1, 4]


def test_competition_ranks_of_all_equal():
    ranks = scoring.competition_ranks([0, 0, 0], key=lambda i: i, eligible=lambda i: True)
    assert ranks == [1, 1, 1]
