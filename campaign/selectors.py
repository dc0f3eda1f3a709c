"""Reads for the campaign pages: the current campaign, its themes and its roster."""

from django.db.models import Count, Q

from campaign.models import Campaign, RosterEntry, Theme


def campaign_current() -> Campaign | None:
    return Campaign.objects.current()


def themes_for(*, campaign: Campaign):
    """The themes ideas can be filed under: the campaign's own, or every active theme."""
    themes = campaign.themes.filter(is_active=True)
    if not themes.exists():
        themes = Theme.objects.filter(is_active=True)
    return themes.order_by("name")


def roster_by_unit(*, campaign: Campaign):
    """Headcount and leadership-team members on the campaign roster, per unit."""
    return (
        RosterEntry.objects.filter(campaign=campaign)
        .values("unit__code", "unit__name")
        .annotate(headcount=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True)))
        .order_by("unit__name")
    )
