"""The campaign's figures, kept in step with the visits, ideas and participants they count.

A visit counts through its participants; a joint visit is credited to each of its units, and so
that the organisation and each department still count it once, it is also attributed to one unit
only — the lowest-numbered of its units overall (`org_*`) and within the department (`dept_*`).
Summing those columns over units gives the totals.

The day figures are sums over visits, so a write adds what it changed: the visit's contribution
after the write minus before it (`UnitDayChange`), and those changes are later added into
`UnitDay`. The first day of each visitor and client is a minimum, not a sum: a write notes the
people and clients it touched (`StaleFigures`), and their rows are recomputed.
"""

from django.db import models

from campaign.models import Campaign, Client, Staff, Unit


class DayCounts(models.Model):
    """A unit's figures of one day: counted visits dated that day and credited to the unit, and
    the ideas of counted visits that started to count that day (recorded and their visit done:
    the later of the two days). The report's tallies of the day's visits — by status, and the
    visitors' and the clients' benefit ratings of counted ones — and of its ideas by theme and
    status are kept with the organisation's attribution only."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visits = models.IntegerField(default=0)
    ideas = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    dept_visits = models.IntegerField(default=0)
    dept_ideas = models.IntegerField(default=0)
    dept_accepted = models.IntegerField(default=0)
    org_visits = models.IntegerField(default=0)
    org_ideas = models.IntegerField(default=0)
    org_accepted = models.IntegerField(default=0)
    planned = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    rating_1 = models.IntegerField(default=0)
    rating_2 = models.IntegerField(default=0)
    rating_3 = models.IntegerField(default=0)
    rating_4 = models.IntegerField(default=0)
    rating_5 = models.IntegerField(default=0)
    # The clients' own answers (the feedback link) on counted visits, and on the visits that both
    # the visitor and the client rated: how many, the sum of each side's ratings, and how often
    # the client's was higher or lower than the visitor's.
    client_rating_1 = models.IntegerField(default=0)
    client_rating_2 = models.IntegerField(default=0)
    client_rating_3 = models.IntegerField(default=0)
    client_rating_4 = models.IntegerField(default=0)
    client_rating_5 = models.IntegerField(default=0)
    rated_both = models.IntegerField(default=0)
    rated_both_visitor = models.IntegerField(default=0)
    rated_both_client = models.IntegerField(default=0)
    client_higher = models.IntegerField(default=0)
    client_lower = models.IntegerField(default=0)
    # "<theme id or 0>|<status>|<1 if they count, else 0>" → ideas of counted visits.
    idea_tally = models.JSONField(default=dict)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.day}"


class UnitDay(DayCounts):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "day"], name="unit_day_once"),
        ]


class UnitDayChange(DayCounts):
    """What one write changed in a unit's day (negative where it took away), not yet added into
    `UnitDay`. Pages add these to the stored rows, so they are right before that happens too."""

    class Meta:
        indexes = [models.Index(fields=["campaign"], name="unit_day_change_campaign_idx")]


class UnitVisitor(models.Model):
    """A person credited to the unit on a counted visit, and the day of their first one there."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    # Empty only inside the refresh that is about to fill it in or delete the row.
    first_day = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "staff"], name="unit_visitor_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.staff_id}"


class ClientReached(models.Model):
    """A client with a counted visit in the campaign, and the day of the first one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    # Empty only inside the refresh that is about to fill it in or delete the row.
    first_day = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "client"], name="client_reached_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.client_id}"


class StaleFigures(models.Model):
    """A note that a row of a campaign's figures must be recomputed — a unit's visitor (`unit`
    and `staff`), a client — or everything (after a change of the counting rules or of a unit's
    department). Written in the transaction of the change, worked off right after it commits;
    until then the pages compute those rows from the source tables."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, null=True, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, null=True, on_delete=models.CASCADE, related_name="+")
    everything = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["campaign"], name="stale_figures_campaign_idx")]

    def __str__(self):
        return f"{self.campaign_id} {self.unit_id} {self.staff_id} {self.client_id}"
