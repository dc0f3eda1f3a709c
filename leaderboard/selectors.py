"""The leaderboard's figures per unit, read from the source tables in a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from campaign.models import Campaign, RosterEntry, Unit
from ideas.models import Idea
from leaderboard import scoring
from visits.models import Visit, VisitParticipant


@dataclass(frozen=True)
class UnitStanding:
    unit: Unit
    headcount: int
    visits: int
    visitors: int
    ideas: int
    accepted: int
    leaders: int
    leaders_on_roster: int
    idea_yield: float | None
    adjusted_yield: float
    score: Decimal
    ranked: bool
    rank: int | None = None

    @property
    def participation(self) -> float | None:
        return scoring.ratio(self.visitors, self.headcount)

    @property
    def visits_per_10(self) -> float | None:
        ratio = scoring.ratio(self.visits, self.headcount)
        return None if ratio is None else ratio * scoring.PER_CAPITA_SIZE


@dataclass(frozen=True)
class CampaignTotals:
    visits: int
    ideas: int
    idea_yield: float


def campaign_totals(*, campaign: Campaign) -> CampaignTotals:
    """Organisation totals: a joint visit counts once here, however many units it credits."""
    counted = Visit.objects.in_campaign(campaign).counted()
    visits = counted.count()
    ideas = Idea.objects.filter(visit__in=counted).not_duplicate().count()
    return CampaignTotals(
        visits=visits, ideas=ideas, idea_yield=scoring.ratio(ideas, visits) or 0.0
    )


def unit_standings(*, campaign: Campaign) -> list[UnitStanding]:
    """Every unit on the campaign roster or credited with a counted visit, ranked by score."""
    counted = Visit.objects.in_campaign(campaign).counted()
    leader_on_roster = RosterEntry.objects.filter(
        campaign=campaign, staff=OuterRef("staff"), is_leadership=True
    )
    roster = {
        row["unit"]: row
        for row in RosterEntry.objects.filter(campaign=campaign)
        .values("unit")
        .annotate(headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True)))
    }
    visits = {
        row["unit"]: row
        for row in VisitParticipant.objects.filter(visit__in=counted)
        .values("unit")
        .annotate(
            visits=Count("visit", distinct=True),
            visitors=Count("staff", distinct=True),
            leaders=Count("staff", distinct=True, filter=Q(Exists(leader_on_roster))),
        )
    }
    ideas = {
        row["visit__participations__unit"]: row
        for row in Idea.objects.filter(visit__in=counted)
        .not_duplicate()
        .values("visit__participations__unit")
        .annotate(
            ideas=Count("pk", distinct=True),
            accepted=Count("pk", distinct=True, filter=Q(status__in=Idea.ACCEPTED_STATUSES)),
        )
    }
    totals = campaign_totals(campaign=campaign)
    units = Unit.objects.filter(pk__in=set(roster) | set(visits)).select_related("parent")
    standings = []
    for unit in units:
        headcount = roster.get(unit.pk, {}).get("headcount", 0)
        unit_visits = visits.get(unit.pk, {})
        unit_ideas = ideas.get(unit.pk, {})
        v, i, a = (
            unit_visits.get("visits", 0),
            unit_ideas.get("ideas", 0),
            unit_ideas.get("accepted", 0),
        )
        standings.append(
            UnitStanding(
                unit=unit,
                headcount=headcount,
                visits=v,
                visitors=unit_visits.get("visitors", 0),
                ideas=i,
                accepted=a,
                leaders=unit_visits.get("leaders", 0),
                leaders_on_roster=roster.get(unit.pk, {}).get("leaders", 0),
                idea_yield=scoring.idea_yield(ideas=i, visits=v),
                adjusted_yield=scoring.adjusted_yield(
                    ideas=i, visits=v, campaign_yield=totals.idea_yield
                ),
                score=scoring.score(
                    visits=v,
                    ideas=i,
                    accepted=a,
                    headcount=headcount,
                    weight_visit=campaign.weight_visit,
                    weight_idea=campaign.weight_idea,
                    weight_accepted=campaign.weight_accepted,
                    per_capita=campaign.per_capita,
                ),
                ranked=headcount >= campaign.min_unit_size,
            )
        )
    ranks = scoring.competition_ranks(standings, key=lambda s: s.score, eligible=lambda s: s.ranked)
    standings = [
        UnitStanding(**{**standing.__dict__, "rank": rank})
        for standing, rank in zip(standings, ranks, strict=True)
    ]
    return sorted(standings, key=lambda s: (s.rank is None, s.rank or 0, s.unit.name))
