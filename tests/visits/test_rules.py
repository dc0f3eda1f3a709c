"""`visit_verdict` and `Visit.objects.counted()` state the same rule; one table checks both."""

import datetime as dt

import pytest

from tests.factories import CampaignFactory, VisitFactory
from visits.models import Visit
from visits.rules import visit_verdict

START = dt.date(2026, 3, 2)
END = dt.date(2026, 4, 12)

# (case, visit fields that differ from a counting visit, remote counts in the campaign, counts)
CASES = [
    ("a plain counted visit", {}, False, True),
    ("planned", {"status": "planned"}, False, False),
    ("cancelled", {"status": "cancelled"}, False, False),
    ("first day", {"visited_on": START}, False, True),
    ("last day", {"visited_on": END}, False, True),
    ("day before the start", {"visited_on": START - dt.timedelta(days=1)}, False, False),
    ("day after the end", {"visited_on": END + dt.timedelta(days=1)}, False, False),
    ("exactly the minimum", {"minutes": 60}, False, True),
    ("one minute short", {"minutes": 59}, False, False),
    ("remote when remote does not count", {"is_remote": True}, False, False),
    ("remote when remote counts", {"is_remote": True}, True, True),
    ("did not listen most of the time", {"listened_most": False}, False, False),
    ("would have happened anyway", {"not_without_campaign": False}, False, False),
    (
        "many reasons at once",
        {"status": "planned", "minutes": 10, "is_remote": True, "listened_most": False},
        False,
        False,
    ),
]


@pytest.mark.parametrize(("case", "changes", "remote_counts", "counts"), CASES)
def test_verdict(case, changes, remote_counts, counts):
    campaign = CampaignFactory.build(
        starts_on=START, ends_on=END, min_minutes=60, remote_counts=remote_counts
    )
    fields = {
        "status": "done",
        "visited_on": START + dt.timedelta(days=5),
        "minutes": 90,
        "is_remote": False,
        "listened_most": True,
        "not_without_campaign": True,
    } | changes
    verdict = visit_verdict(campaign=campaign, **fields)
    assert verdict.counts is counts
    assert bool(verdict.reasons) is not counts


@pytest.mark.django_db
def test_counted_queryset_agrees_with_verdict_on_every_case():
    expected = {}
    for case, changes, remote_counts, counts in CASES:
        campaign = CampaignFactory(
            starts_on=START, ends_on=END, min_minutes=60, remote_counts=remote_counts
        )
        fields = {"visited_on": START + dt.timedelta(days=5), "minutes": 90} | changes
        visit = VisitFactory(campaign=campaign, **fields)
        assert visit.counts is counts, case
        expected[visit.pk] = counts
    counted = set(Visit.objects.counted().values_list("pk", flat=True))
    assert counted == {pk for pk, counts in expected.items() if counts}
    not_counted = set(Visit.objects.not_counted().values_list("pk", flat=True))
    assert not_counted == {pk for pk, counts in expected.items() if not counts}


def test_every_reason_is_given():
    campaign = CampaignFactory.build(starts_on=START, ends_on=END, min_minutes=60)
    verdict = visit_verdict(
        campaign=campaign,
        status="planned",
        visited_on=END + dt.timedelta(days=1),
        minutes=30,
        is_remote=True,
        listened_most=False,
        not_without_campaign=False,
    )
    assert len(verdict.reasons) == 6
    assert "60" in str(verdict.reasons[2])


def test_a_planned_visit_tells_what_would_still_stop_it_counting_once_done():
    campaign = CampaignFactory.build(starts_on=START, ends_on=END, min_minutes=60)
    planned = {
        "campaign": campaign,
        "status": "planned",
        "visited_on": START + dt.timedelta(days=5),
        "is_remote": False,
        "listened_most": False,
        "not_without_campaign": False,
    }
    assert visit_verdict(minutes=90, **planned).reasons_once_done == ()
    short = visit_verdict(minutes=30, **planned)
    assert not short.counts
    assert short.reasons_once_done == (
        "The visit was shorter than the campaign minimum of 60 minutes.",
    )
