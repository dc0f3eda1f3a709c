"""Reads for the campaign pages: the current campaign and the dashboard's figures."""

from dataclasses import dataclass

from django.db.models import Count, Q

from campaign.models import Campaign, RosterEntry
from ideas.models import Idea
from visits.models import Visit


def campaign_current() -> Campaign | None:
    return Campaign.objects.current()


@dataclass(frozen=True)
class OrganisationProgress:
    counted_visits: int
    ideas: int
    clients_reached: int
    visitors: int


def campaign_progress(*, campaign: Campaign) -> OrganisationProgress:
    """The organisation's totals so far: counted visits, their ideas, clients and visitors."""
    counted = Visit.objects.in_campaign(campaign).counted()
    totals = counted.aggregate(
        visits=Count("pk", distinct=True),
        clients=Count("client", distinct=True),
        visitors=Count("participations__staff", distinct=True),
    )
    ideas = Idea.objects.filter(visit__in=counted).not_duplicate().count()
    return OrganisationProgress(
        counted_visits=totals["visits"],
        ideas=ideas,
        clients_reached=totals["clients"],
        visitors=totals["visitors"],
    )


def visit_list_for_participant(*, user, campaign: Campaign, limit: int = 10):
    """The user's own latest visits in the campaign, with what the list shows preloaded."""
    return (
        Visit.objects.in_campaign(campaign)
        .with_participant(user)
        .select_related("client", "campaign")
        .annotate(idea_count=Count("ideas"))
        .order_by("-visited_on", "-pk")[:limit]
    )


def roster_by_unit(*, campaign: Campaign):
    """Headcount and leadership-team members on the campaign roster, per unit."""
    return (
        RosterEntry.objects.filter(campaign=campaign)
        .values("unit__code", "unit__name")
        .annotate(headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True)))
        .order_by("unit__name")
    )
