"""The campaign's figures, kept in step with the visits, ideas and participants they count.

Every row here is a function of the source tables: `leaderboard.tallies` computes it, and the row
holds what that computation gave the last time its unit (or client) changed. A joint visit is
credited to each of its units; so that the organisation and each department still count it once,
it is also attributed to one unit only — the lowest-numbered of its units overall (`org_*`) and
within the department (`dept_*`). Summing those columns over units gives the totals.
"""

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from campaign.models import Campaign, Client, Staff, Theme, Unit


class UnitDay(models.Model):
    """Counted visits dated `day` that are credited to the unit, and the ideas of counted visits
    that started to count on `day` (recorded and their visit done; the later of the two days)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)
    ideas = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    dept_visits = models.PositiveIntegerField(default=0)
    dept_ideas = models.PositiveIntegerField(default=0)
    dept_accepted = models.PositiveIntegerField(default=0)
    org_visits = models.PositiveIntegerField(default=0)
    org_ideas = models.PositiveIntegerField(default=0)
    org_accepted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "day"], name="unit_day_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.day}"


class UnitVisitor(models.Model):
    """A person who made a counted visit credited to the unit, and the day of the first one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "staff"], name="unit_visitor_once"),
        ]
        indexes = [models.Index(fields=["campaign", "staff"], name="unit_visitor_staff_idx")]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.staff_id}"


class UnitTally(models.Model):
    """The report's counts of a unit's visits, each visit attributed to one unit only (as `org_*`
    above): visits by status, done visits (counted or not) and the visitors' benefit ratings of
    counted visits. The row also serialises the refreshing of the unit's figures (it is locked
    while they are recomputed)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    planned = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    rating_1 = models.PositiveIntegerField(default=0)
    rating_2 = models.PositiveIntegerField(default=0)
    rating_3 = models.PositiveIntegerField(default=0)
    rating_4 = models.PositiveIntegerField(default=0)
    rating_5 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="unit_tally_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id}"


class IdeaTally(models.Model):
    """Ideas of counted visits (duplicates included) by theme and status and whether they count,
    each attributed to one unit as above."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, null=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16)
    counts = models.BooleanField()
    ideas = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                F("campaign"),
                F("unit"),
                Coalesce("theme", Value(0)),
                F("status"),
                name="idea_tally_once",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.theme_id} {self.status}"


class ClientReached(models.Model):
    """A client visited in the campaign, and the day of its first counted visit (empty while it
    has none). The row also serialises the refreshing of the client's figure."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "client"], name="client_reached_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.client_id}"


class StaleFigures(models.Model):
    """A note that some of a campaign's figures must be recomputed: a unit's, a client's, or
    everything. Receivers write it in the transaction of the change, so writers only ever add rows
    and never wait for each other; right after the change commits, the notes are worked off and
    deleted, and until then the pages compute those parts from the source tables."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, null=True, on_delete=models.CASCADE, related_name="+")
    everything = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["campaign"], name="stale_figures_campaign_idx")]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.client_id} {self.everything}"
