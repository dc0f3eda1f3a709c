"""Reads for the campaign pages: the current campaign, its themes and its roster."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from campaign.models import Campaign, RosterEntry, Theme


def campaign_current() -> Campaign | None:
    return Campaign.objects.current()


def campaign_logging_ended_by(*, campaign: Campaign, today: dt.date | None = None):
    """The running campaign whose logging would end if `campaign` became the current one: staff
    log their visits to the current campaign only. None when the current campaign is `campaign`
    itself, has not started, or its logging has closed."""
    today = today or timezone.localdate()
    current = campaign_current()
    if current is None or current.pk == campaign.pk:
        return None
    if current.starts_on <= today <= current.logging_closes_on:
        return current
    return None


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
