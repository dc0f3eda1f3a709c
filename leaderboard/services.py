"""Writes that keep the campaign's stored figures equal to the source tables."""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q

from campaign.models import Campaign
from leaderboard import tallies
from leaderboard.models import ClientReached, StaleFigures, UnitDay, UnitVisitor

# Notes worked off in one transaction.
REFRESH_BATCH = 500
DAY_COUNTS = [
    field.attname
    for field in UnitDay._meta.concrete_fields
    if field.name not in {"id", "campaign", "unit", "day"}
]


def figures_refresh(*, campaign_ids: set[int] | None = None) -> int:
    """Recompute the figure rows that notes mark stale (of the given campaigns, or of all), and
    delete the notes. Returns how many notes were worked off.

    Runs right after every change commits, and costs what the change touched — a few rows, not
    the campaign. Notes that another refresh is working off are left to it. Each row is
    recomputed under a lock on it, the locks taken in one order (by campaign, then the days, the
    visitors and the clients, each by key), so two refreshes never interleave or wait for each
    other in a circle, and a refresh always reads what was committed before it took the lock. A
    refresh of everything holds its campaign against the others.
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
                _refresh(campaign_id, by_campaign[campaign_id])
            StaleFigures.objects.filter(pk__in=[note.pk for note in notes]).delete()
            worked_off += len(notes)
    return worked_off


def _refresh(campaign_id: int, notes: list[StaleFigures]) -> None:
    everything = any(note.everything for note in notes)
    campaign = _hold(campaign_id, alone=everything)
    if campaign is None:
        return  # deleted, and its figures with it
    if everything:
        for model in (UnitDay, UnitVisitor, ClientReached):
            model.objects.filter(campaign=campaign).delete()
        UnitDay.objects.bulk_create(
            [row for row in tallies.day_rows(campaign) if _counts_something(row)], batch_size=2000
        )
        for model, rows in (
            (UnitVisitor, tallies.visitor_rows(campaign)),
            (ClientReached, tallies.client_rows(campaign)),
        ):
            model.objects.bulk_create([row for row in rows if row.first_day], batch_size=2000)
        return
    keys = tallies.Keys()
    for note in notes:
        if note.client_id is not None:
            keys.clients.add(note.client_id)
        elif note.staff_id is not None:
            keys.visitors.add((note.unit_id, note.staff_id))
        elif note.day is not None:
            keys.days.add((note.unit_id, note.day))
    _replace(
        UnitDay,
        campaign,
        keys.days,
        ("unit_id", "day"),
        lambda keys: tallies.day_rows(campaign, keys),
        DAY_COUNTS,
        _counts_something,
    )
    _replace(
        UnitVisitor,
        campaign,
        keys.visitors,
        ("unit_id", "staff_id"),
        lambda keys: tallies.visitor_rows(campaign, keys),
        ["first_day"],
        lambda row: row.first_day is not None,
    )
    _replace(
        ClientReached,
        campaign,
        {(client,) for client in keys.clients},
        ("client_id",),
        lambda keys: tallies.client_rows(campaign, [client for (client,) in keys]),
        ["first_day"],
        lambda row: row.first_day is not None,
    )


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


def _counts_something(row: UnitDay) -> bool:
    """A row of zeros is the same as no row."""
    return bool(row.idea_tally) or any(getattr(row, name) for name in DAY_COUNTS)


def _replace(model, campaign: Campaign, keys: set[tuple], key_fields, compute, fields, keep):
    """Store the rows of `keys` afresh: lock them (inserting placeholders for the missing ones),
    `compute` them, update the rows `keep` accepts and delete the others."""
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
    for row in compute(ordered):
        pk = pk_of[tuple(getattr(row, name) for name in key_fields)]
        if keep(row):
            row.pk = pk
            kept.append(row)
        else:
            gone.append(pk)
    model.objects.bulk_update(kept, fields, batch_size=2000)
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


def figures_rebuild(*, campaign: Campaign) -> None:
    """Recompute every stored figure of the campaign from the source tables (needed only after
    the tables were changed with SQL typed by hand)."""
    with transaction.atomic():
        StaleFigures.objects.create(campaign=campaign, everything=True)
    figures_refresh(campaign_ids={campaign.pk})
