"""Writes that keep the campaign's stored figures equal to the source tables."""

from collections import defaultdict

from django.db import transaction

from campaign.models import Campaign
from leaderboard import tallies
from leaderboard.models import (
    ClientReached,
    IdeaTally,
    StaleFigures,
    UnitDay,
    UnitTally,
    UnitVisitor,
)

# Notes worked off in one transaction.
REFRESH_BATCH = 500
TALLY_COUNTS = [
    "planned",
    "cancelled",
    "done",
    *[f"rating_{rating}" for rating in range(1, 6)],
]


def figures_refresh(*, campaign_ids: set[int] | None = None) -> int:
    """Recompute the figures that notes mark stale (of the given campaigns, or of all), and delete
    the notes. Returns how many notes were worked off.

    Runs right after every change commits. Notes that another refresh is working off are left to
    it; each unit's and client's rows are recomputed under a lock on that unit's tally row (the
    client's row), taken in one order, so two refreshes never interleave or wait for each other
    in a circle, and a refresh always reads what was committed before it took the lock.
    """
    pending = StaleFigures.objects.all()
    if campaign_ids is not None:
        pending = pending.filter(campaign_id__in=campaign_ids)
    # Only the notes already written: under a steady stream of changes, each refresh ends.
    last = pending.order_by("-pk").values_list("pk", flat=True).first()
    worked_off = 0
    while last is not None:
        with transaction.atomic():
            notes = list(
                pending.select_for_update(skip_locked=True)
                .filter(pk__lte=last)
                .order_by("pk")[:REFRESH_BATCH]
            )
            if not notes:
                return worked_off
            by_campaign: dict[int, list[StaleFigures]] = defaultdict(list)
            for note in notes:
                by_campaign[note.campaign_id].append(note)
            for campaign_id in sorted(by_campaign):
                _refresh(Campaign.objects.get(pk=campaign_id), by_campaign[campaign_id])
            StaleFigures.objects.filter(pk__in=[note.pk for note in notes]).delete()
            worked_off += len(notes)
    return worked_off


def _refresh(campaign: Campaign, notes: list[StaleFigures]) -> None:
    if any(note.everything for note in notes):
        _refresh_units(campaign, None)
        _refresh_clients(campaign, None)
        return
    units = {note.unit_id for note in notes if note.client_id is None}
    clients = {note.client_id for note in notes if note.client_id is not None}
    if units:
        _refresh_units(campaign, units)
    if clients:
        _refresh_clients(campaign, clients)


def _refresh_units(campaign: Campaign, units: set[int] | None) -> None:
    """Replace the rows of `units` (every unit of the campaign when None) with fresh ones."""
    if units is None:
        units = tallies.campaign_units(campaign) | set(
            UnitTally.objects.filter(campaign=campaign).values_list("unit_id", flat=True)
        )
    UnitTally.objects.bulk_create(
        [UnitTally(campaign=campaign, unit_id=unit) for unit in sorted(units)],
        ignore_conflicts=True,
    )
    locked = UnitTally.objects.select_for_update().filter(campaign=campaign, unit_id__in=units)
    tally_of = {tally.unit_id: tally for tally in locked.order_by("unit_id")}
    rows = tallies.unit_rows(campaign, units)
    for model in (UnitDay, UnitVisitor, IdeaTally):
        model.objects.filter(campaign=campaign, unit_id__in=units).delete()
    UnitDay.objects.bulk_create(rows.days, batch_size=2000)
    UnitVisitor.objects.bulk_create(rows.visitors, batch_size=2000)
    IdeaTally.objects.bulk_create(rows.ideas, batch_size=2000)
    for fresh in rows.tallies:
        fresh.pk = tally_of[fresh.unit_id].pk
    UnitTally.objects.bulk_update(rows.tallies, TALLY_COUNTS, batch_size=2000)


def _refresh_clients(campaign: Campaign, clients: set[int] | None) -> None:
    """Replace the rows of `clients` (every client visited in the campaign when None)."""
    if clients is None:
        clients = tallies.campaign_clients(campaign) | set(
            ClientReached.objects.filter(campaign=campaign).values_list("client_id", flat=True)
        )
    ClientReached.objects.bulk_create(
        [ClientReached(campaign=campaign, client_id=client) for client in sorted(clients)],
        ignore_conflicts=True,
    )
    locked = ClientReached.objects.select_for_update().filter(
        campaign=campaign, client_id__in=clients
    )
    row_of = {row.client_id: row for row in locked.order_by("client_id")}
    fresh = tallies.client_rows(campaign, clients)
    for row in fresh:
        row.pk = row_of[row.client_id].pk
    ClientReached.objects.bulk_update(fresh, ["first_day"], batch_size=2000)


def figures_rebuild(*, campaign: Campaign) -> None:
    """Recompute every stored figure of the campaign from the source tables (needed only after
    the tables were changed with SQL typed by hand)."""
    with transaction.atomic():
        StaleFigures.objects.create(campaign=campaign, everything=True)
    figures_refresh(campaign_ids={campaign.pk})
