"""Reads for the staff list and the sign-in pages."""

from django.db.models import Count, Max, QuerySet

from campaign.models import Staff
from campaign.roles import COORDINATORS


def staff_with_sign_in_status() -> QuerySet[Staff]:
    """Every staff member with their unit, when they were last invited and how many times."""
    return Staff.objects.select_related("unit").annotate(
        last_invited_at=Max("invitations__sent_at"), invitation_count=Count("invitations")
    )


def never_signed_in_count() -> int:
    """Active staff with an e-mail who have never signed in and were never invited."""
    return (
        Staff.objects.filter(is_active=True, last_login__isnull=True)
        .exclude(email="")
        .filter(invitations__isnull=True)
        .count()
    )


def coordinators_to_contact(limit: int = 5) -> QuerySet[Staff]:
    """Whom a person who cannot get in should ask: the organisation's campaign coordinators."""
    return (
        Staff.objects.filter(is_active=True, groups__name=COORDINATORS)
        .exclude(email="")
        .distinct()
        .order_by("last_name", "first_name")[:limit]
    )
