"""What a change of counting rules or weights would do, before it is saved."""

import datetime as dt
from decimal import Decimal

import pytest

from pages.previews import rule_change_needs_preview, rule_change_preview
from tests.factories import (
    CampaignFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


@pytest.fixture
def two_units_with_visits():
    """Unit A: three visits of 45 minutes. Unit B: one visit of 60 minutes. Both have 3 staff."""
    campaign = CampaignFactory(starts_on=START, min_minutes=60, min_unit_size=1)
    unit_a, unit_b = UnitFactory(name="A", code="A"), UnitFactory(name="B", code="B")
    staff_a = [StaffFactory(unit=unit_a) for _ in range(3)]
    staff_b = [StaffFactory(unit=unit_b) for _ in range(3)]
    for person in [*staff_a, *staff_b]:
        RosterEntryFactory(campaign=campaign, staff=person)
    for person in staff_a:
        VisitFactory(campaign=campaign, created_by=person, minutes=45)
    VisitFactory(campaign=campaign, created_by=staff_b[0], minutes=60)
    VisitFactory(campaign=campaign, created_by=staff_b[1], minutes=60, is_remote=True)
    return campaign, unit_a, unit_b


def test_rule_change_preview_counts_visits_and_ranks_under_the_new_rules(two_units_with_visits):
    campaign, unit_a, unit_b = two_units_with_visits

    preview = rule_change_preview(campaign=campaign, proposed={"min_minutes": 45})

    assert (preview.counted_before, preview.counted_after) == (1, 4)
    assert (preview.newly_counted, preview.no_longer_counted) == (3, 0)
    by_unit = {change.unit: change for change in preview.units}
    assert (by_unit[unit_a].rank_before, by_unit[unit_a].rank_after) == (2, 1)
    assert (by_unit[unit_b].rank_before, by_unit[unit_b].rank_after) == (1, 2)
    assert (by_unit[unit_a].visits_before, by_unit[unit_a].visits_after) == (0, 3)
    assert by_unit[unit_a].score_after == Decimal("10.00")  # 3 visits x 1 point per 10 of 3
    campaign.refresh_from_db()
    assert campaign.min_minutes == 60  # nothing was saved


def test_rule_change_preview_with_remote_visits_and_weights(two_units_with_visits):
    campaign, _unit_a, unit_b = two_units_with_visits

    preview = rule_change_preview(
        campaign=campaign, proposed={"remote_counts": True, "weight_visit": Decimal("3")}
    )

    assert (preview.counted_before, preview.counted_after) == (1, 2)
    change = next(c for c in preview.units if c.unit == unit_b)
    # Exact: 1 point per 10 of 3 people, then 2 visits × 3 points per 10 of 3.
    assert (change.score_before, change.score_after) == (Decimal(10) / 3, Decimal(20))
    campaign.refresh_from_db()
    assert not campaign.remote_counts
    assert campaign.weight_visit == Decimal("1")


def test_preview_is_needed_only_for_rule_changes_when_visits_exist(two_units_with_visits):
    campaign, *_ = two_units_with_visits
    assert rule_change_needs_preview(campaign=campaign, proposed={"min_minutes": 30})
    assert not rule_change_needs_preview(campaign=campaign, proposed={"min_minutes": 60})
    assert not rule_change_needs_preview(campaign=campaign, proposed={"description": "Uusi"})
    empty = CampaignFactory()
    assert not rule_change_needs_preview(campaign=empty, proposed={"min_minutes": 30})
