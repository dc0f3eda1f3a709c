"""Writes that keep the campaign's stored figures equal to the source tables."""

import time
from collections import Counter, defaultdict

from django.db import OperationalError, connection, transaction
from django.db.models import Q

from campaign.models import Campaign
from leaderboard import tallies
from leaderboard.models import ClientReached, StaleFigures, UnitDay, UnitDayChange, UnitVisitor

# Changes and notes worked off in one transaction.
REFRESH_BATCH = 500
# A recomputation of everything reads one snapshot of the tables; when a refresh that was still
# running changed the same rows, it starts again.
REBUILD_ATTEMPTS = 10


def figures_refresh(*, campaign_ids: set[int] | None = None) -> int:
    """Add the changes that writes wrote down into the stored figures and recompute the rows that
    notes mark stale (of the given campaigns, or of all), deleting both. Returns how many were
    worked off.

    Runs right after every change commits, and costs what the change touched. Changes and notes
    that another refresh is working off are left to it. Rows are locked in one order (campaign,
    then days, visitors and clients by key), so two refreshes never wait for each other in a
    circle; a refresh of a campaign's every row (after a change of its counting rules) holds the
    campaign against the others.
    """
    pending = set(StaleFigures.objects.values_list("campaign_id", flat=True).distinct())
    pending |= set(UnitDayChange.objects.values_list("campaign_id", flat=True).distinct())
    if campaign_ids is not None:
        pending &= set(campaign_ids)
    worked_off = 0
    for campaign_id in sorted(pending):
        if StaleFigures.objects.filter(campaign_id=campaign_id, everything=True).exists():
            worked_off += _rebuild(campaign_id)
        worked_off += _work_off(campaign_id)
    return worked_off


def figures_rebuild(*, campaign: Campaign) -> None:
    """Recompute every stored figure of the campaign from the source tables (needed only after
    the tables were changed with SQL typed by hand)."""
    with transaction.atomic():
        StaleFigures.objects.create(campaign=campaign, everything=True)
    figures_refresh(campaign_ids={campaign.pk})


def _work_off(campaign_id: int) -> int:
    changes = UnitDayChange.objects.filter(campaign_id=campaign_id)
    notes = StaleFigures.objects.filter(campaign_id=campaign_id, everything=False)
    # Only what was already written: under a steady stream of changes, each refresh ends.
    last_change = changes.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_note = notes.order_by("-pk").values_list("pk", flat=True).first() or 0
    worked_off = 0
    while True:
        with transaction.atomic():
            campaign = _hold(campaign_id, alone=False)
            if campaign is None:
                return worked_off  # deleted, and its figures with it
            batch = list(
                changes.select_for_update(skip_locked=True)
                .filter(pk__lte=last_change)
                .order_by("pk")[:REFRESH_BATCH]
            )
            batch_notes = list(
                notes.select_for_update(skip_locked=True)
                .filter(pk__lte=last_note)
                .order_by("pk")[:REFRESH_BATCH]
            )
            if not (batch or batch_notes):
                return worked_off
            _add_into_days(campaign, batch)
            keys = tallies.Keys()
            for note in batch_notes:
                if note.client_id is not None:
                    keys.clients.add(note.client_id)
                elif note.staff_id is not None:
                    keys.visitors.add((note.unit_id, note.staff_id))
            _replace(
                UnitVisitor,
                campaign,
                keys.visitors,
                ("unit_id", "staff_id"),
                tallies.visitor_rows,
            )
            _replace(
                ClientReached,
                campaign,
                {(client,) for client in keys.clients},
                ("client_id",),
                lambda campaign, keys: tallies.client_rows(
                    campaign, [client for (client,) in keys]
                ),
            )
            UnitDayChange.objects.filter(pk__in=[change.pk for change in batch]).delete()
            StaleFigures.objects.filter(pk__in=[note.pk for note in batch_notes]).delete()
            worked_off += len(batch) + len(batch_notes)


def _rebuild(campaign_id: int) -> int:
    """Recompute every row of the campaign from one snapshot of the tables, and drop the changes
    and notes that snapshot already includes; those written after it stay to be worked off."""
    for attempt in range(REBUILD_ATTEMPTS):
        try:
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if outermost and connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                campaign = _hold(campaign_id, alone=True)
                if campaign is None:
                    return 0
                worked_off = 0
                for model in (UnitDay, UnitVisitor, ClientReached, UnitDayChange, StaleFigures):
                    _count, deleted = model.objects.filter(campaign=campaign).delete()
                    if model in (UnitDayChange, StaleFigures):
                        worked_off += sum(deleted.values())
                days = [row for row in tallies.day_rows(campaign) if _counts_something(row)]
                UnitDay.objects.bulk_create(days, batch_size=2000)
                for model, rows in (
                    (UnitVisitor, tallies.visitor_rows(campaign)),
                    (ClientReached, tallies.client_rows(campaign)),
                ):
                    model.objects.bulk_create([r for r in rows if r.first_day], batch_size=2000)
                return worked_off
        except OperationalError:
            if attempt == REBUILD_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return 0


def _hold(campaign_id: int, *, alone: bool) -> Campaign | None:
    """The campaign, locked so that a refresh of everything (`alone`) and the refreshes of a few
    rows, which share it, wait for each other."""
    campaigns = Campaign.objects.filter(pk=campaign_id)
    if alone:
        return campaigns.select_for_update(no_key=True).first()
    if connection.vendor == "postgresql":  # SQLite writes one transaction at a time anyway
        table = connection.ops.quote_name(Campaign._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [campaign_id])  # noqa: S608
    return campaigns.first()


def _counts_something(row) -> bool:
    """A row of zeros is the same as no row."""
    return bool(row.idea_tally) or any(getattr(row, name) for name in tallies.COUNTS)


def _add_into_days(campaign: Campaign, changes: list[UnitDayChange]) -> None:
    """Add the changes into the stored days, under a lock on each (inserting the missing ones)."""
    if not changes:
        return
    summed: dict[tuple, UnitDayChange] = {}
    for change in changes:
        total = summed.setdefault((change.unit_id, change.day), UnitDayChange(idea_tally={}))
        _add(total, change)
    ordered = sorted(summed)
    UnitDay.objects.bulk_create(
        [UnitDay(campaign=campaign, unit_id=unit, day=day) for unit, day in ordered],
        ignore_conflicts=True,
    )
    stored = {
        (row.unit_id, row.day): row
        for row in UnitDay.objects.select_for_update()
        .filter(_matching(("unit_id", "day"), set(ordered)), campaign=campaign)
        .order_by("unit_id", "day")
    }
    kept, gone = [], []
    for key in ordered:
        row = stored[key]
        _add(row, summed[key])
        (kept if _counts_something(row) else gone).append(row)
    UnitDay.objects.bulk_update(kept, [*tallies.COUNTS, "idea_tally"], batch_size=2000)
    UnitDay.objects.filter(pk__in=[row.pk for row in gone]).delete()


def _add(row, change) -> None:
    for name in tallies.COUNTS:
        setattr(row, name, getattr(row, name) + getattr(change, name))
    tally = Counter(row.idea_tally)
    tally.update(change.idea_tally)
    row.idea_tally = {name: n for name, n in sorted(tally.items()) if n}


def _replace(model, campaign: Campaign, keys: set[tuple], key_fields, compute) -> None:
    """Store the first-day rows of `keys` afresh: lock them (inserting placeholders for the
    missing ones), compute them (`compute(campaign, keys)`), keep those with a first day and
    delete the others."""
    if not keys:
        return
    ordered = sorted(keys)
    model.objects.bulk_create(
        [model(campaign=campaign, **dict(zip(key_fields, key, strict=True))) for key in ordered],
        ignore_conflicts=True,
    )
    locked = model.objects.select_for_update().filter(
        _matching(key_fields, keys), campaign=campaign
    )
    pk_of = {
        tuple(values[1:]): values[0]
        for values in locked.order_by(*key_fields).values_list("pk", *key_fields)
    }
    # Computed after the lock: it reads what was committed before.
    kept, gone = [], []
    for row in compute(campaign, ordered):
        pk = pk_of[tuple(getattr(row, name) for name in key_fields)]
        if row.first_day is not None:
            row.pk = pk
            kept.append(row)
        else:
            gone.append(pk)
    model.objects.bulk_update(kept, ["first_day"], batch_size=2000)
    model.objects.filter(pk__in=gone).delete()


def _matching(key_fields: tuple[str, ...], keys: set[tuple]) -> Q:
    """The rows of exactly these keys: one condition per value of the first field."""
    if len(key_fields) == 1:
        return Q(**{f"{key_fields[0]}__in": [key[0] for key in keys]})
    first, second = key_fields
    seconds: dict = defaultdict(set)
    for a, b in keys:
        seconds[a].add(b)
    condition = Q()
    for a, values in seconds.items():
        condition |= Q(**{first: a, f"{second}__in": values})
    return condition
