"""The campaign's figures, kept in step with the visits, ideas and participants they count.

Every row here is a function of the source tables for its key — a unit and a day, a unit and a
person, a client: `leaderboard.tallies` computes it, and the row holds what that computation gave
the last time something it depends on changed. A visit counts through its participants; a joint
visit is credited to each of its units, and so that the organisation and each department still
count it once, it is also attributed to one unit only — the lowest-numbered of its units overall
(`org_*`) and within the department (`dept_*`). Summing those columns over units gives the totals.
"""

from django.db import models

from campaign.models import Campaign, Client, Staff, Unit


class UnitDay(models.Model):
    """A unit's figures of one day: counted visits dated that day and credited to the unit, and
    the ideas of counted visits that started to count that day (recorded and their visit done:
    the later of the two days). The report's tallies of the day's visits — by status, and the
    visitors' benefit ratings of counted ones — and of its ideas by theme and status are kept
    with the organisation's attribution only."""

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
    planned = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    rating_1 = models.PositiveIntegerField(default=0)
    rating_2 = models.PositiveIntegerField(default=0)
    rating_3 = models.PositiveIntegerField(default=0)
    rating_4 = models.PositiveIntegerField(default=0)
    rating_5 = models.PositiveIntegerField(default=0)
    # "<theme id or 0>|<status>|<1 if they count, else 0>" → ideas of counted visits.
    idea_tally = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "day"], name="unit_day_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.day}"


class UnitVisitor(models.Model):
    """A person credited to the unit on a visit, and the day of their first counted one there
    (empty while they have none)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "staff"], name="unit_visitor_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.staff_id}"


class ClientReached(models.Model):
    """A client visited in the campaign, and the day of its first counted visit (empty while it
    has none)."""

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
    """A note that one row of a campaign's figures must be recomputed — a unit's day (`unit`
    and `day`), a unit's visitor (`unit` and `staff`), a client — or everything. Receivers write
    it in the transaction of the change, so writers only ever add rows and never wait for each
    other; right after the change commits, the notes are worked off and deleted, and until then
    the pages compute those rows from the source tables."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(null=True)
    staff = models.ForeignKey(Staff, null=True, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, null=True, on_delete=models.CASCADE, related_name="+")
    everything = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["campaign"], name="stale_figures_campaign_idx")]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.day} {self.staff_id} {self.client_id}"
