"""Edits made on an outdated form are refused, and nothing typed is lost (optimistic concurrency).

A form to change a row carries its revision: a signed token of when the row was last saved and
the values the form showed. The service saves only if the row, locked, was not saved since
(`check_unchanged`, which raises `EditConflict`). Otherwise the page shows what changed meanwhile,
field by field, and the form again with the person's own changes and the others' merged
(`merge_saved_changes`) and the new revision, so that saving again is a decision made knowing the
other change.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

SALT = "kylaan.revision"
SHOWN_CHARACTERS = 300


@dataclass(frozen=True)
class Revision:
    saved_at: dt.datetime
    values: dict


def _as_json(values: dict) -> dict:
    """Values as the token keeps them: dates as ISO text, objects as their keys."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def revision_token(*, saved_at: dt.datetime, values: dict) -> str:
    return signing.dumps(
        {"saved_at": saved_at.isoformat(), "values": _as_json(values)}, salt=SALT, compress=True
    )


def revision_from_token(token: str) -> Revision | None:
    """The revision a form was made from; None for a token this site did not sign."""
    try:
        data = signing.loads(token, salt=SALT)
        return Revision(saved_at=dt.datetime.fromisoformat(data["saved_at"]), values=data["values"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class EditConflict(ValidationError):
    """The row was saved by someone else after the form was made from it: `current` is the row
    as it is now."""

    def __init__(self, current):
        super().__init__(
            _(
                "Someone else saved changes here while you were editing. Nothing of yours is "
                "saved yet: check what changed meanwhile, then save again."
            ),
            code="edit_conflict",
        )
        self.current = current


def check_unchanged(*, locked, saved_at: dt.datetime | None) -> None:
    """Refuse to save over `locked` (a row read under select_for_update) when the form was made
    from an earlier save of it. Without a revision (a caller other than a form) nothing is
    checked."""
    if saved_at is not None and locked.updated_at != saved_at:
        raise EditConflict(locked)


class RevisionField(forms.CharField):
    """The hidden revision of a form; a damaged or foreign token counts as none."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return revision_from_token(super().clean(value) or "")


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    saved: str
    in_form: str
    yours_kept: bool


@dataclass
class Merge:
    """The refused form's data with the changes saved meanwhile taken in, and those changes."""

    data: QueryDict
    changes: list[FieldChange]


def merge_saved_changes(form: forms.Form, *, before: dict, now: dict) -> Merge:
    """Three-way merge of a valid form made from `before` (its `initial` values then) with the row
    saved since as `now`: a field changed meanwhile that the person left as it was takes the
    saved value; one both changed keeps what the person typed. Fields nobody else changed, and
    changes both made alike, are left out of `changes`."""
    data = form.data.copy()
    changes = []
    for name, field in form.fields.items():
        if isinstance(field, RevisionField) or name not in now:
            continue
        base, saved = _comparable(field, before.get(name)), _comparable(field, now[name])
        typed = _comparable(field, form.cleaned_data.get(name))
        if base == saved or typed == saved:
            continue
        yours_kept = typed != base
        if not yours_kept:
            _put(data, form.add_prefix(name), field, saved)
        changes.append(
            FieldChange(
                label=str(field.label or name),
                before=_in_words(field, base),
                saved=_in_words(field, saved),
                in_form=_in_words(field, typed if yours_kept else saved),
                yours_kept=yours_kept,
            )
        )
    return Merge(data=data, changes=changes)


def _comparable(field: forms.Field, value):
    """A field's value, whether cleaned or as `initial` keeps it, in one form to compare."""
    if value in (None, "", []):
        return None
    if isinstance(field, forms.ModelMultipleChoiceField):
        return sorted(getattr(item, "pk", item) for item in value) or None
    if isinstance(field, forms.ModelChoiceField):
        return getattr(value, "pk", value)
    if isinstance(field, forms.BooleanField):
        return bool(value)
    if isinstance(field, forms.DateField):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def _put(data: QueryDict, key: str, field: forms.Field, value) -> None:
    """Write a comparable value back as the form's widget sends it."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        data.setlist(key, [str(pk) for pk in value or []])
    elif isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = "" if value is None else str(value)


def _in_words(field: forms.Field, value) -> str:
    if value is None:
        return "–"
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = field.queryset.filter(pk__in=value)
        return ", ".join(field.label_from_instance(obj) for obj in chosen) or "–"
    if isinstance(field, forms.ModelChoiceField):
        chosen = field.queryset.filter(pk=value).first()
        return field.label_from_instance(chosen) if chosen else "–"
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in field.choices}
        return str(labels.get(str(value), value))
    if isinstance(field, forms.DateField):
        day = parse_date(str(value))
        return date_format(day, "SHORT_DATE_FORMAT") if day else str(value)
    return Truncator(str(value)).chars(SHOWN_CHARACTERS)
