"""Outdated forms: the revision a form carries, and the merge of what was saved meanwhile."""

import datetime as dt

import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone

from campaign.revisions import (
    RevisionField,
    merge_saved_changes,
    revision_from_token,
    revision_token,
)
from tests.english import english_messages  # noqa: F401


class NoteForm(forms.Form):
    revision = RevisionField()
    text = forms.CharField(label="Text", required=False)
    done = forms.BooleanField(label="Done", required=False)
    due_on = forms.DateField(label="Due", required=False)
    colour = forms.ChoiceField(label="Colour", choices=[("red", "Red"), ("blue", "Blue")])


BEFORE = {"text": "alku", "done": False, "due_on": dt.date(2026, 5, 1), "colour": "red"}


def bound(**typed) -> NoteForm:
    data = QueryDict(mutable=True)
    values = {"text": "alku", "due_on": "2026-05-01", "colour": "red"} | typed
    for name, value in values.items():
        if value is not None:
            data[name] = value
    form = NoteForm(data)
    assert form.is_valid(), form.errors
    return form


def test_a_token_gives_back_its_moment_and_values_and_a_forged_one_gives_nothing():
    moment = timezone.now()
    revision = revision_from_token(revision_token(saved_at=moment, values=BEFORE))
    assert revision.saved_at == moment
    assert revision.values["due_on"] == "2026-05-01"
    token = revision_token(saved_at=moment, values=BEFORE)
    assert revision_from_token(token[:-2] + "xx") is None
    assert revision_from_token("") is None
    assert revision_from_token("\x00" * 50) is None


def test_a_field_only_the_other_person_changed_takes_their_value():
    form = bound(colour="blue")
    merge = merge_saved_changes(form, before=BEFORE, now=BEFORE | {"text": "heidän", "done": True})
    assert merge.data["text"] == "heidän"
    assert merge.data["done"] == "on"
    assert merge.data["colour"] == "blue"
    assert [(c.label, c.before, c.saved, c.in_form, c.yours_kept) for c in merge.changes] == [
        ("Text", "alku", "heidän", "heidän", False),
        ("Done", "no", "yes", "yes", False),
    ]


def test_a_field_both_changed_keeps_what_was_typed():
    form = bound(text="minun")
    merge = merge_saved_changes(form, before=BEFORE, now=BEFORE | {"text": "heidän"})
    assert merge.data["text"] == "minun"
    [change] = merge.changes
    assert (change.saved, change.in_form, change.yours_kept) == ("heidän", "minun", True)


@pytest.mark.parametrize(
    "now", [BEFORE, BEFORE | {"colour": "blue"}], ids=["nothing changed", "the same change"]
)
def test_nothing_to_show_when_nothing_else_changed_or_both_made_the_same_change(now):
    merge = merge_saved_changes(bound(colour="blue"), before=BEFORE, now=now)
    assert merge.changes == []


def test_a_date_cleared_meanwhile_is_cleared_in_the_form():
    merge = merge_saved_changes(bound(), before=BEFORE, now=BEFORE | {"due_on": None})
    assert merge.data["due_on"] == ""
    assert merge.changes[0].saved == "–"
