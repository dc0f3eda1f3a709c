"""The leaderboard keeps no data of its own: these two tables are a cache of figures computed from
the visit, idea and roster tables, shared by every server process and rebuilt on demand."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign


class LeaderboardGeneration(models.Model):
    """Bumped by `leaderboard_invalidate` in the writing transaction: a snapshot computed under an
    older generation is never read again, even if it was stored after the write committed."""

    campaign = models.OneToOneField(
        Campaign, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    generation = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("leaderboard generation")
        verbose_name_plural = _("leaderboard generations")

    def __str__(self):
        return f"{self.campaign_id}: {self.generation}"


class StandingsSnapshot(models.Model):
    """One computed part of a campaign's leaderboard (per-unit counts on a day, or the daily
    series), stored as JSON under a key that names the part and the rules it was computed with."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    generation = models.BigIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("standings snapshot")
        verbose_name_plural = _("standings snapshots")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="snapshot_one_per_key"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.key}"
