"""Writes for campaign setup: create, edit and clone campaigns, and take their roster."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaign.imports import ImportKind, ImportPlan, Table, import_plan
from campaign.models import Campaign, RosterEntry, Staff, Theme, Unit
from campaign.roles import STAFF
from campaign.selectors import campaign_logging_ended_by

# The settings a coordinator edits; a clone copies all of them except the dates.
CAMPAIGN_FIELDS = (
    "name",
    "name_sv",
    "name_en",
    "slug",
    "starts_on",
    "ends_on",
    "grace_days",
    "visit_definition",
    "visit_definition_sv",
    "visit_definition_en",
    "description",
    "description_sv",
    "description_en",
    "min_minutes",
    "remote_counts",
    "weight_visit",
    "weight_idea",
    "weight_accepted",
    "per_capita",
    "min_unit_size",
    "visit_target_per_unit",
    "ideas_published",
    "client_email_retention_days",
)
# Changing these after visits exist changes what counts or how units rank.
RULE_FIELDS = ("starts_on", "ends_on", "min_minutes", "remote_counts")
SCORING_FIELDS = ("weight_visit", "weight_idea", "weight_accepted", "per_capita", "min_unit_size")
# A clone is named anew: its Swedish and English names are given again, if at all.
CLONED_FIELDS = tuple(
    name
    for name in CAMPAIGN_FIELDS
    if name not in {"name", "name_sv", "name_en", "slug", "starts_on", "ends_on", "ideas_published"}
)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"Not campaign settings: {', '.join(sorted(unknown))}")


def _save(campaign: Campaign, *, make_current: bool, logging_end_confirmed: bool = False) -> None:
    """Save after validation; making one campaign current unsets the one that was. Staff log
    visits to the current campaign only, so making another one current while a campaign runs ends
    its logging: that needs `logging_end_confirmed`."""
    if make_current:
        running = campaign_logging_ended_by(campaign=campaign)
        if running is not None and not logging_end_confirmed:
            raise ValidationError({"make_current": logging_would_end_message(running)})
        Campaign.objects.filter(is_current=True).exclude(pk=campaign.pk).update(is_current=False)
        campaign.is_current = True
    campaign.full_clean()
    campaign.save()


def logging_would_end_message(running: Campaign) -> str:
    return _(
        "“%(name)s” is running, and staff log their visits to the current campaign only: making "
        "this campaign current ends logging for “%(name)s” (otherwise open until %(date)s). "
        "Tick the box to confirm."
    ) % {
        "name": running.local_name,
        "date": date_format(running.logging_closes_on, "SHORT_DATE_FORMAT"),
    }


def _themes(themes: Iterable[Theme], new_theme_names: Iterable[str]) -> list[Theme]:
    """The chosen themes plus the named ones, created (or reactivated) when needed."""
    chosen = list(themes)
    for name in new_theme_names:
        theme, _created = Theme.objects.update_or_create(
            name__iexact=name, defaults={"is_active": True}, create_defaults={"name": name}
        )
        chosen.append(theme)
    return chosen


def campaign_free_slug(name: str) -> str:
    """A short name for the campaign's addresses made from its name ("Testi 2027 kevät" →
    "testi-2027-kevat"), with -2, -3 … added when another campaign already has it."""
    max_length = Campaign._meta.get_field("slug").max_length
    base = slugify(name)[: max_length - 4].strip("-") or "campaign"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def campaign_create(
    *,
    themes: Iterable[Theme] = (),
    new_theme_names: Iterable[str] = (),
    make_current: bool = False,
    logging_end_confirmed: bool = False,
    **fields,
) -> Campaign:
    """A new campaign; without a short name it gets one made from its name."""
    _check_fields(fields)
    if not fields.get("slug"):
        fields["slug"] = campaign_free_slug(fields.get("name", ""))
    campaign = Campaign(**fields)
    _save(campaign, make_current=make_current, logging_end_confirmed=logging_end_confirmed)
    campaign.themes.set(_themes(themes, new_theme_names))
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    themes: Iterable[Theme] | None = None,
    new_theme_names: Iterable[str] = (),
    make_current: bool | None = None,
    logging_end_confirmed: bool = False,
    **fields,
) -> Campaign:
    """Change a campaign's settings. `make_current=False` unsets the current flag; None keeps it."""
    _check_fields(fields)
    for name, value in fields.items():
        setattr(campaign, name, value)
    if make_current is False:
        campaign.is_current = False
    _save(campaign, make_current=bool(make_current), logging_end_confirmed=logging_end_confirmed)
    if themes is not None:
        campaign.themes.set(_themes(themes, new_theme_names))
    elif new_theme_names:
        campaign.themes.add(*_themes((), new_theme_names))
    return campaign


def _a_year_later(day: dt.date) -> dt.date:
    """The same day a year later; a leap day becomes the last day of February."""
    if (day.month, day.day) == (2, 29):
        return day.replace(year=day.year + 1, day=28)
    return day.replace(year=day.year + 1)


def campaign_clone_dates(*, source: Campaign) -> tuple[dt.date, dt.date]:
    """The dates proposed for a clone of `source`: the same days a year later."""
    return _a_year_later(source.starts_on), _a_year_later(source.ends_on)


def campaign_copy_name(*, source: Campaign) -> str:
    """The name proposed for a clone of `source`: "<name> (copy)", numbered when that is taken,
    since two campaigns cannot share a name."""
    name, number = _("%(name)s (copy)") % {"name": source.name}, 2
    while Campaign.objects.filter(name__iexact=name).exists():
        name = _("%(name)s (copy %(number)s)") % {"name": source.name, "number": number}
        number += 1
    return name


@transaction.atomic
def campaign_clone(
    *, source: Campaign, name: str, slug: str = "", starts_on: dt.date, ends_on: dt.date
) -> Campaign:
    """A new campaign with the source's rules, weights, themes, targets and messages; no visits,
    no roster (take it when the organisation is up to date)."""
    campaign = Campaign(
        name=name,
        slug=slug or campaign_free_slug(name),
        starts_on=starts_on,
        ends_on=ends_on,
        **{field: getattr(source, field) for field in CLONED_FIELDS},
    )
    _save(campaign, make_current=False)
    campaign.themes.set(source.themes.all())
    return campaign


@dataclass(frozen=True)
class RosterChange:
    added: int
    moved: int
    removed: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.moved or self.removed)


def _roster_plan(campaign: Campaign):
    current = {
        person.pk: person
        for person in Staff.objects.filter(is_active=True, unit__isnull=False).only(
            "pk", "unit_id", "is_leadership"
        )
    }
    entries = {entry.staff_id: entry for entry in RosterEntry.objects.filter(campaign=campaign)}
    added = [pk for pk in current if pk not in entries]
    removed = [entry for staff_id, entry in entries.items() if staff_id not in current]
    moved = [
        entry
        for staff_id, entry in entries.items()
        if staff_id in current
        and (
            entry.unit_id != current[staff_id].unit_id
            or entry.is_leadership != current[staff_id].is_leadership
        )
    ]
    return current, added, moved, removed, len(entries) - len(removed) - len(moved)


def roster_preview(*, campaign: Campaign) -> RosterChange:
    """What `roster_take` would change, without changing it."""
    _current, added, moved, removed, unchanged = _roster_plan(campaign)
    return RosterChange(
        added=len(added), moved=len(moved), removed=len(removed), unchanged=unchanged
    )


@transaction.atomic
def roster_take(
    *, campaign: Campaign, confirm_started: bool = False, today: dt.date | None = None
) -> RosterChange:
    """Take (or refresh) the campaign roster from each active staff member's current unit.

    Once the campaign has started the roster is the fair headcount of the competition, so it is
    changed only when the coordinator explicitly confirms. When nothing would change there is
    nothing to confirm.
    """
    today = today or timezone.localdate()
    current, added, moved, removed, unchanged = _roster_plan(campaign)
    if not (added or moved or removed):
        return RosterChange(added=0, moved=0, removed=0, unchanged=unchanged)
    if campaign.starts_on <= today and not confirm_started:
        raise ValidationError(
            _(
                "The campaign has already started. Confirm that you want to change its roster: "
                "it changes the headcounts the units are scored on."
            ),
            code="started",
        )
    # Moves and removals are few, and saved one by one so the audit log records each of them.
    for entry in removed:
        entry.delete()
    for entry in moved:
        entry.unit_id = current[entry.staff_id].unit_id
        entry.is_leadership = current[entry.staff_id].is_leadership
        entry.save(update_fields=["unit", "is_leadership"])
    new_entries = [
        RosterEntry(
            campaign=campaign,
            staff_id=pk,
            unit_id=current[pk].unit_id,
            is_leadership=current[pk].is_leadership,
        )
        for pk in added
    ]
    if campaign.starts_on <= today:
        for entry in new_entries:
            entry.save()
    else:
        # The first roster of a campaign that has not started: the whole organisation at once.
        RosterEntry.objects.bulk_create(new_entries, batch_size=500)
    return RosterChange(
        added=len(added), moved=len(moved), removed=len(removed), unchanged=unchanged
    )


def staff_language_remember(*, staff: Staff, language: str) -> None:
    """Remember the language a person uses Kylään in: their mails are written in it."""
    if language in dict(settings.LANGUAGES) and staff.language != language:
        staff.language = language
        staff.save(update_fields=["language"])


@transaction.atomic
def organisation_import(*, kind: str, table: Table) -> ImportPlan:
    """Import units, staff or clients in one transaction, as `import_plan` describes.

    The plan is made again here, against the database as it is now, so what is written is exactly
    what the plan shows. Rejected rows are left out; staff who are not in the file are kept.
    Imported staff get the Staff role and no password: they log in with the organisation's
    accounts. A running campaign's roster is not changed when someone moves.
    """
    plan = import_plan(kind=kind, table=table)
    if kind == ImportKind.UNITS:
        _import_units(plan)
    else:
        model = type((plan.to_create or plan.to_update or [None])[0])
        if plan.to_create:
            model.objects.bulk_create(plan.to_create, batch_size=1000)
        if plan.to_update:
            model.objects.bulk_update(plan.to_update, plan.update_fields, batch_size=1000)
        if kind == ImportKind.STAFF and plan.to_create:
            staff_group = Group.objects.get(name=STAFF)
            Staff.groups.through.objects.bulk_create(
                [
                    Staff.groups.through(staff_id=person.pk, group_id=staff_group.pk)
                    for person in plan.to_create
                ],
                batch_size=1000,
            )
    return plan


def _import_units(plan: ImportPlan) -> None:
    """Departments first, so that the units inside them can point at them."""
    departments = [unit for unit in plan.to_create if not unit._parent_code]
    Unit.objects.bulk_create(departments)
    by_code = {unit.code.casefold(): unit for unit in Unit.objects.all()}
    inside = [unit for unit in plan.to_create if unit._parent_code]
    for unit in [*inside, *plan.to_update]:
        unit.parent = by_code[unit._parent_code.casefold()] if unit._parent_code else None
    Unit.objects.bulk_create(inside)
    # Saved one by one: few units change at a time, and each change is audited and seen by what
    # follows the units (a department counts its units' joint visits once).
    for unit in plan.to_update:
        unit.full_clean(validate_unique=False, validate_constraints=False)
        unit.save(update_fields=plan.update_fields)
