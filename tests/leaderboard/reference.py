"""The campaign's figures computed from scratch, the slow and obvious way: every visit, participant
and idea read as objects, whether a visit counts decided by its `counts` property (the pure rule),
and everything summed in Python. A visit is someone's visit: one without participants counts
nowhere; a withdrawn idea counts nowhere either. The maintained figures must always equal these."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from campaign.models import Campaign, RosterEntry
from ideas.models import Idea
from visits.models import Visit

ACCEPTED = {"accepted", "in_progress", "implemented"}


@dataclass(frozen=True)
class Reference:
    # (unit or department id) → (visits, visitors, leaders, ideas, accepted)
    units: dict[int, tuple[int, int, int, int, int]]
    departments: dict[int, tuple[int, int, int, int, int]]
    units_before: dict[int, tuple[int, int, int, int, int]]
    visits: int
    ideas: int
    accepted: int
    visitors: int
    leaders: int
    clients: int
    planned: int
    cancelled: int
    normal_client_work: int
    ratings: dict[int, int]
    client_ratings: dict[int, int]
    # Counted visits both sides rated: how many, each side's sum, client higher, client lower.
    rated_both: tuple[int, int, int, int, int]
    visits_by_day: dict[dt.date, int]
    ideas_by_day: dict[dt.date, int]
    ideas_by_status: dict[str, int]
    ideas_by_theme: dict[str, int]
    clients_by_kind: dict[str, int]


def _counting_day(idea: Idea) -> dt.date:
    return max(timezone.localtime(idea.created_at).date(), idea.visit.visited_on)


def _kept(visit: Visit) -> list[Idea]:
    """The visit's ideas that were not withdrawn."""
    return [idea for idea in visit.ideas.all() if idea.withdrawn_at is None]


def reference(campaign: Campaign, before: dt.date = dt.date.max) -> Reference:
    campaign = Campaign.objects.get(pk=campaign.pk)
    leaders = set(
        RosterEntry.objects.filter(campaign=campaign, is_leadership=True).values_list(
            "staff_id", flat=True
        )
    )
    visits = [
        visit
        for visit in Visit.objects.filter(campaign=campaign)
        .select_related("campaign", "client")
        .select_related("client_feedback")
        .prefetch_related("participations__unit", "ideas__theme")
        if visit.participations.all()
    ]
    counted = [visit for visit in visits if visit.counts]

    def figures(group_of, last=dt.date.max):
        groups = defaultdict(lambda: {"visits": set(), "staff": set(), "ideas": set(), "ok": set()})
        for visit in counted:
            for participation in visit.participations.all():
                group = groups[group_of(participation.unit)]
                if visit.visited_on <= last:
                    group["visits"].add(visit.pk)
                    group["staff"].add(participation.staff_id)
                for idea in _kept(visit):
                    if idea.status != "duplicate" and _counting_day(idea) <= last:
                        group["ideas"].add(idea.pk)
                        if idea.status in ACCEPTED:
                            group["ok"].add(idea.pk)
        rows = {
            key: (
                len(g["visits"]),
                len(g["staff"]),
                len(g["staff"] & leaders),
                len(g["ideas"]),
                len(g["ok"]),
            )
            for key, g in groups.items()
        }
        return {key: row for key, row in rows.items() if any(row)}

    ideas = [idea for visit in counted for idea in _kept(visit)]
    counting = [idea for idea in ideas if idea.status != "duplicate"]
    staff = {p.staff_id for visit in counted for p in visit.participations.all()}
    answers = {
        visit.pk: visit.client_feedback.benefit_rating
        for visit in counted
        if hasattr(visit, "client_feedback")
    }
    both = [
        (v.benefit_rating, answers[v.pk]) for v in counted if v.benefit_rating and v.pk in answers
    ]
    return Reference(
        units=figures(lambda unit: unit.pk),
        departments=figures(lambda unit: unit.department.pk),
        units_before=figures(lambda unit: unit.pk, before),
        visits=len(counted),
        ideas=len(counting),
        accepted=sum(idea.status in ACCEPTED for idea in counting),
        visitors=len(staff),
        leaders=len(staff & leaders),
        clients=len({visit.client_id for visit in counted}),
        planned=sum(visit.status == "planned" for visit in visits),
        cancelled=sum(visit.status == "cancelled" for visit in visits),
        normal_client_work=sum(visit.status == "done" for visit in visits) - len(counted),
        ratings=dict(Counter(v.benefit_rating for v in counted if v.benefit_rating)),
        client_ratings=dict(Counter(answers.values())),
        rated_both=(
            len(both),
            sum(mine for mine, _theirs in both),
            sum(theirs for _mine, theirs in both),
            sum(theirs > mine for mine, theirs in both),
            sum(theirs < mine for mine, theirs in both),
        ),
        visits_by_day=dict(Counter(visit.visited_on for visit in counted)),
        ideas_by_day=dict(Counter(_counting_day(idea) for idea in counting)),
        ideas_by_status=dict(Counter(idea.status for idea in ideas)),
        ideas_by_theme=dict(Counter(idea.theme.name if idea.theme else "" for idea in counting)),
        clients_by_kind=dict(Counter(c.kind for c in {visit.client for visit in counted})),
    )


def shown(campaign: Campaign, before: dt.date = dt.date.max) -> Reference:
    """The same figures as the app reads them (stored, with what is noted stale computed)."""
    from leaderboard import selectors

    def groups(standings):
        rows = {
            s.unit.pk: (s.visits, s.visitors, s.leaders, s.ideas, s.accepted) for s in standings
        }
        return {pk: row for pk, row in rows.items() if any(row)}

    campaign = Campaign.objects.get(pk=campaign.pk)
    org = selectors.organisation_figures(campaign=campaign)
    tallies = selectors.report_tallies(campaign=campaign)
    benefit = selectors.benefit_figures(campaign=campaign)
    figures = selectors.Figures(campaign)
    visits_by_day, ideas_by_day = Counter(), Counter()
    for row in figures.days:
        visits_by_day[row[1]] += row[8]
        ideas_by_day[row[1]] += row[9]
    accepted = sum(row[10] for row in figures.days)
    return Reference(
        units=groups(selectors.unit_standings(campaign=campaign)),
        departments=groups(
            selectors.unit_standings(campaign=campaign, level=selectors.DEPARTMENTS)
        ),
        units_before=groups(selectors.unit_standings(campaign=campaign, as_of=before)),
        visits=org.counted_visits,
        ideas=org.ideas,
        accepted=accepted,
        visitors=org.visitors,
        leaders=org.leaders_visited,
        clients=org.clients_reached,
        planned=org.planned,
        cancelled=org.cancelled,
        normal_client_work=org.normal_client_work,
        ratings={n: count for n, count in tallies.benefit_ratings.items() if count},
        client_ratings={n: count for n, count in benefit.client_ratings.items() if count},
        rated_both=(
            benefit.rated_both,
            benefit.rated_both_visitor,
            benefit.rated_both_client,
            benefit.client_higher,
            benefit.client_lower,
        ),
        visits_by_day={day: n for day, n in visits_by_day.items() if n},
        ideas_by_day={day: n for day, n in ideas_by_day.items() if n},
        ideas_by_status={status: n for status, n in tallies.ideas_by_status.items() if n},
        ideas_by_theme=dict(tallies.ideas_by_theme),
        clients_by_kind=dict(tallies.clients_by_kind),
    )
