"""Which notifications are due: each kind, for whom, once, and never against a person's or a
campaign's settings."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.roles import COORDINATORS, UNIT_MANAGERS
from ideas.models import Idea
from ideas.services import idea_triage
from leaderboard.services import figures_rebuild
from notifications.models import CampaignNotificationOff, Notification, NotificationKind
from notifications.selectors import iso_week, notifications_due, unit_overview
from notifications.services import (
    campaign_notifications_set,
    notification_unsubscribe,
    notifications_record,
    preferences_set,
)
from tests.factories import IdeaFactory, RosterEntryFactory, StaffFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db
Kind = NotificationKind


def due_of(kind, now=None):
    return {(d.recipient_id, d.key) for d in notifications_due(now=now) if d.kind == kind}


def recipients(kind, now=None):
    return {recipient for recipient, _key in due_of(kind, now)}


def test_the_weekly_nudge_goes_to_those_on_the_roster_without_a_counted_visit(team, running):
    # The newcomer and the manager have not visited; a visit that does not count changes nothing.
    VisitFactory(campaign=running, created_by=team.newcomer, minutes=20)
    assert recipients(Kind.NUDGE) == {team.newcomer.pk, team.manager.pk, team.outsider.pk}
    week = iso_week(timezone.localdate())
    assert (team.newcomer.pk, f"nudge:{running.pk}:{week}:{team.newcomer.pk}") in due_of(Kind.NUDGE)


def test_the_nudge_uses_the_iso_week_so_next_week_is_another_mail(team, running):
    now = timezone.now()
    this_week = due_of(Kind.NUDGE, now)
    next_week = due_of(Kind.NUDGE, now + dt.timedelta(days=7))
    assert {r for r, _k in this_week} == {r for r, _k in next_week}
    assert not {k for _r, k in this_week} & {k for _r, k in next_week}


def test_no_nudge_outside_the_campaign_days(team, running, today):
    running.ends_on = today - dt.timedelta(days=1)
    running.save()
    assert recipients(Kind.NUDGE) == set()


def test_the_digest_goes_to_unit_managers_about_their_unit(team, running):
    due = [d for d in notifications_due() if d.kind == Kind.DIGEST]
    assert [(d.recipient_id, d.unit_id) for d in due] == [(team.manager.pk, team.unit.pk)]


def test_a_planned_visit_whose_day_has_passed_asks_its_planner(team, running, today):
    overdue = VisitFactory(
        campaign=running,
        created_by=team.newcomer,
        status=Visit.Status.PLANNED,
        visited_on=today - dt.timedelta(days=1),
    )
    VisitFactory(
        campaign=running,
        created_by=team.colleague,
        status=Visit.Status.PLANNED,
        visited_on=today,
    )
    due = [d for d in notifications_due() if d.kind == Kind.VISIT_FOLLOW_UP]
    assert [(d.recipient_id, d.visit_id) for d in due] == [(team.newcomer.pk, overdue.pk)]


def test_no_follow_up_once_logging_has_closed(team, running, today):
    VisitFactory(
        campaign=running,
        created_by=team.newcomer,
        status=Visit.Status.PLANNED,
        visited_on=today - dt.timedelta(days=3),
    )
    running.ends_on = today - dt.timedelta(days=2)
    running.grace_days = 1
    running.save()
    assert recipients(Kind.VISIT_FOLLOW_UP) == set()


@pytest.mark.parametrize(
    ("ends_in", "grace_days", "ending", "grace"),
    [
        (4, 7, False, False),
        (3, 7, True, False),
        (0, 7, True, False),
        (-1, 7, False, True),
        (-7, 7, False, True),
        (-8, 7, False, False),
        (-1, 0, False, False),
    ],
)
def test_the_end_of_the_campaign_and_its_grace_days(
    team, running, today, ends_in, grace_days, ending, grace
):
    running.starts_on = today - dt.timedelta(days=20)
    running.ends_on = today + dt.timedelta(days=ends_in)
    running.grace_days = grace_days
    running.save()
    everyone = {person.pk for person in team.roster}
    assert recipients(Kind.CAMPAIGN_ENDING) == (everyone if ending else set())
    assert recipients(Kind.GRACE_STARTED) == (everyone if grace else set())


def test_an_idea_given_to_a_unit_tells_its_managers_but_not_the_one_who_gave_it(
    team, running, coordinator, unit
):
    idea = IdeaFactory(visit=VisitFactory(campaign=running, created_by=team.outsider))
    # A coordinator who also manages the unit gives it the idea: the others are told.
    giver = StaffFactory(username="antaja", unit=unit, role=COORDINATORS)
    giver.groups.add(Group.objects.get(name=UNIT_MANAGERS))
    idea_triage(
        idea=idea,
        by=giver,
        theme=None,
        owner_unit=unit,
        status=Idea.Status.IN_REVIEW,
        due_on=None,
        official_response="",
    )
    due = [d for d in notifications_due() if d.kind == Kind.IDEA_ASSIGNED]
    assert [(d.recipient_id, d.idea_id) for d in due] == [(team.manager.pk, idea.pk)]


def test_an_idea_handed_on_at_once_tells_only_the_unit_that_has_it(
    team, running, coordinator, unit, other_unit
):
    idea = IdeaFactory(visit=VisitFactory(campaign=running, created_by=team.outsider))
    elsewhere = StaffFactory(username="muu-manageri", unit=other_unit, role="Unit managers")
    for owner in (unit, other_unit):
        idea_triage(
            idea=idea,
            by=coordinator,
            theme=None,
            owner_unit=owner,
            status=Idea.Status.NEW,
            due_on=None,
            official_response="",
        )
    assert recipients(Kind.IDEA_ASSIGNED) == {elsewhere.pk}


def test_a_decision_tells_the_people_who_collected_the_idea(team, running, coordinator):
    visit = VisitFactory(
        campaign=running, created_by=team.colleague, participants=[team.colleague, team.outsider]
    )
    accepted = IdeaFactory(visit=visit, status=Idea.Status.IN_REVIEW)
    reviewed = IdeaFactory(visit=visit)
    triage = {"by": coordinator, "theme": None, "owner_unit": None, "due_on": None}
    idea_triage(idea=accepted, status=Idea.Status.ACCEPTED, official_response="Hyvä!", **triage)
    idea_triage(idea=reviewed, status=Idea.Status.IN_REVIEW, official_response="", **triage)
    due = [d for d in notifications_due() if d.kind == Kind.IDEA_DECIDED]
    assert {(d.recipient_id, d.idea_id) for d in due} == {
        (team.colleague.pk, accepted.pk),
        (team.outsider.pk, accepted.pk),
    }


def test_changes_to_ideas_older_than_the_window_are_not_told(team, running, coordinator):
    idea = IdeaFactory(visit=VisitFactory(campaign=running, created_by=team.colleague))
    idea_triage(
        idea=idea,
        by=coordinator,
        theme=None,
        owner_unit=None,
        status=Idea.Status.DECLINED,
        due_on=None,
        official_response="Ei nyt.",
    )
    assert recipients(Kind.IDEA_DECIDED) == {team.colleague.pk}
    assert recipients(Kind.IDEA_DECIDED, now=timezone.now() + dt.timedelta(days=4)) == set()


def test_a_person_who_turned_a_kind_off_is_not_due_it(team, running):
    notification_unsubscribe(staff=team.newcomer, kind=Kind.NUDGE)
    preferences_set(staff=team.manager, shown=[Kind.NUDGE, Kind.DIGEST], wanted=[Kind.NUDGE])
    assert team.newcomer.pk not in recipients(Kind.NUDGE)
    assert team.manager.pk in recipients(Kind.NUDGE)
    assert recipients(Kind.DIGEST) == set()


def test_people_without_an_address_or_deactivated_are_not_due_anything(team, running):
    team.newcomer.email = ""
    team.newcomer.save()
    team.manager.is_active = False
    team.manager.save()
    assert recipients(Kind.NUDGE) == {team.outsider.pk}


def test_a_kind_the_coordinators_turned_off_is_not_due_in_their_campaign(team, running):
    campaign_notifications_set(
        campaign=running, enabled=[k for k in Kind.values if k != Kind.NUDGE]
    )
    assert set(
        CampaignNotificationOff.objects.filter(campaign=running).values_list("kind", flat=True)
    ) == {Kind.NUDGE}
    assert recipients(Kind.NUDGE) == set()
    assert recipients(Kind.DIGEST) == {team.manager.pk}


def test_recording_twice_records_each_notification_once(team, running):
    notifications_record(due=notifications_due())
    first = set(Notification.objects.values_list("dedupe_key", flat=True))
    notifications_record(due=notifications_due())
    assert Notification.objects.count() == len(first) > 0


def test_finding_what_is_due_takes_the_same_queries_for_a_bigger_roster(team, running):
    def queries():
        figures_rebuild(campaign=running)
        with CaptureQueriesContext(connection) as captured:
            notifications_due()
        return len(captured)

    few = queries()
    for n in range(30):
        person = StaffFactory(username=f"lisa-{n}", unit=team.unit)
        RosterEntryFactory(campaign=running, staff=person)
    assert queries() == few


def test_the_unit_overview_tells_who_has_visited_from_the_leaderboard_figures(team, running):
    overview = unit_overview(campaign=running, unit=team.unit)
    assert {m.staff for m in overview.visited} == {team.leader, team.colleague}
    assert {m.staff for m in overview.not_visited} == {team.manager, team.newcomer}
    assert [m.staff for m in overview.leaders_visited] == [team.leader]
    assert overview.standing.visits == 2
    assert overview.standing.visitors == len(overview.visited)
