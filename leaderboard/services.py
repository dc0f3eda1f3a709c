"""Writes that keep the leaderboard's stored figures in step with the source tables."""

from django.core.cache import cache
from django.db import transaction


def leaderboard_cache_key(campaign_id: int) -> str:
    return f"leaderboard:{campaign_id}"


def leaderboard_invalidate(*, campaign_id: int) -> None:
    """Mark the campaign's figures stale. The visit and idea services call this for every write;
    the figures are dropped only when the writing transaction commits."""
    transaction.on_commit(lambda: cache.delete(leaderboard_cache_key(campaign_id)))
