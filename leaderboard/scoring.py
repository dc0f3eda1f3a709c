"""Pure scoring rules of the leaderboard (DESIGN §4). No database access here.

Every figure on the page comes from these functions, so each one can be tested with numbers worked
out by hand and explained on the page in a sentence.
"""

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

# How many visits' worth of the campaign-wide yield a unit starts with, and how cautious the
# adjusted yield is (about the 5th percentile of what the unit's true yield could be).
PRIOR_VISITS = 10
CAUTION = 1.64
PER_CAPITA_SIZE = 10


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def idea_yield(*, ideas: int, visits: int) -> float | None:
    return ratio(ideas, visits)


def adjusted_yield(
    *, ideas: int, visits: int, campaign_yield: float, prior_visits: int = PRIOR_VISITS
) -> float:
    """The idea yield a unit can be counted on, for fair ranking.

    The unit starts as if it had made `prior_visits` visits at the campaign-wide yield; its own
    visits then pull it towards its own yield. From that estimate we take off CAUTION times its
    uncertainty (ideas treated as a Poisson count), so a handful of lucky visits cannot beat a long
    steady record: 2 ideas from 2 visits rank below 30 ideas from 100.
    """
    pseudo_ideas = prior_visits * campaign_yield + ideas
    pseudo_visits = prior_visits + visits
    mean = pseudo_ideas / pseudo_visits
    spread = math.sqrt(pseudo_ideas) / pseudo_visits
    return max(0.0, mean - CAUTION * spread)


def score(
    *,
    visits: int,
    ideas: int,
    accepted: int,
    headcount: int,
    weight_visit: Decimal,
    weight_idea: Decimal,
    weight_accepted: Decimal,
    per_capita: bool = True,
) -> Decimal | None:
    """(w_visit·V + w_idea·I + w_accepted·A), per 10 roster members when per_capita is on; None
    for a unit with nobody on the roster, which has no one to score.

    Not rounded: ranks compare the exact scores, and the pages round only what they show. The
    division is correctly rounded to 28 digits, so two equal fractions give the same Decimal."""
    if not headcount:
        return None
    points = weight_visit * visits + weight_idea * ideas + weight_accepted * accepted
    if per_capita:
        points = points * PER_CAPITA_SIZE / headcount
    return points


def competition_ranks(
    items: Sequence, *, key: Callable[..., Decimal | float], eligible: Callable[..., bool]
) -> list[int | None]:
    """Ranks by `key`, highest first; ties share a rank (1, 1, 3). Items that are not eligible
    (units below the minimum size) get None and do not take a place."""
    ranked = sorted(
        (i for i, item in enumerate(items) if eligible(item)),
        key=lambda i: key(items[i]),
        reverse=True,
    )
    ranks: list[int | None] = [None] * len(items)
    previous = None
    for place, index in enumerate(ranked, start=1):
        value = key(items[index])
        if previous is None or value != previous[0]:
            previous = (value, place)
        ranks[index] = previous[1]
    return ranks
