"""Writes that keep the leaderboard's stored figures in step with the source tables."""

from django.db import transaction
from django.db.models import F

from campaign.models import Campaign
from leaderboard.models import LeaderboardGeneration, StandingsSnapshot
from leaderboard.selectors import rebuild_snapshots


def leaderboard_invalidate(*, campaign_id: int) -> None:
    """Mark the campaign's stored figures stale.

    Call it from every write that changes what the leaderboard counts: visits and their
    participants, ideas (status, duplicates), the campaign's rules and the roster. Called inside
    the writing transaction, the change becomes visible together with the write: readers see old
    figures until the write commits and new ones after, and a snapshot computed meanwhile is
    stored under the old generation and never read.
    """
    with transaction.atomic():
        bumped = LeaderboardGeneration.objects.filter(campaign_id=campaign_id).update(
            generation=F("generation") + 1
        )
        if not bumped:
            LeaderboardGeneration.objects.bulk_create(
                [LeaderboardGeneration(campaign_id=campaign_id, generation=1)],
                update_conflicts=True,
                unique_fields=["campaign"],
                update_fields=["generation"],
            )


def leaderboard_rebuild(*, campaign: Campaign) -> None:
    """Drop the campaign's stored figures and compute them again from the source tables."""
    with transaction.atomic():
        leaderboard_invalidate(campaign_id=campaign.pk)
        StandingsSnapshot.objects.filter(campaign=campaign).delete()
    rebuild_snapshots(campaign=campaign)
