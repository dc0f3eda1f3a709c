import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from campaign.revisions import EditConflict
from ideas.models import Idea, IdeaExport
from ideas.services import idea_export_record, idea_mark_duplicate, idea_triage
from leaderboard.services import figures_refresh
from tests.factories import IdeaFactory, ThemeFactory, UnitFactory
from tests.leaderboard.reference import reference, shown

pytestmark = pytest.mark.django_db


def triage(idea, by, **changes):
    values = {
        "theme": idea.theme,
        "owner_unit": idea.owner_unit,
        "status": idea.status,
        "due_on": idea.due_on,
        "official_response": idea.official_response,
    }
    return idea_triage(idea=idea, by=by, **(values | changes))


def test_triage_sets_every_field_and_is_audited_with_the_actor(campaign, coordinator):
    idea = IdeaFactory(visit__campaign=campaign)
    theme = ThemeFactory(name="Tilastot")
    owner = UnitFactory(name="Tietopalvelut", code="TPA")

    triage(
        idea,
        coordinator,
        theme=theme,
        owner_unit=owner,
        status=Idea.Status.IN_REVIEW,
        due_on=dt.date(2026, 6, 30),
        official_response="  Selvitämme asian.  ",
        is_shareable=True,
    )

    idea.refresh_from_db()
    assert idea.theme == theme
    assert idea.owner_unit == owner
    assert idea.status == Idea.Status.IN_REVIEW
    assert idea.due_on == dt.date(2026, 6, 30)
    assert idea.official_response == "Selvitämme asian."
    assert idea.is_shareable
    entry = LogEntry.objects.get_for_object(idea).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == coordinator
    assert entry.changes_dict["status"] == ["new", "in_review"]


def test_triage_walks_the_whole_lifecycle(coordinator):
    idea = IdeaFactory()
    for status in ["in_review", "accepted", "in_progress", "implemented"]:
        idea = triage(idea, coordinator, status=status)
    idea.refresh_from_db()
    assert idea.status == "implemented"


def test_an_illegal_jump_is_refused_with_a_message_naming_the_allowed_steps(coordinator):
    idea = IdeaFactory()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        triage(idea, coordinator, status=Idea.Status.IMPLEMENTED, official_response="Valmis")
    message = error.value.message_dict["status"][0]
    assert "New" in message
    assert "Implemented" in message
    assert "In review, Declined, Duplicate" in message
    idea.refresh_from_db()
    assert idea.status == Idea.Status.NEW
    assert idea.official_response == ""


def test_declining_needs_an_official_response(coordinator):
    idea = IdeaFactory()
    with pytest.raises(ValidationError) as error:
        triage(idea, coordinator, status=Idea.Status.DECLINED, official_response=" ")
    assert "official_response" in error.value.message_dict
    triage(idea, coordinator, status=Idea.Status.DECLINED, official_response="Ei resursseja.")
    idea.refresh_from_db()
    assert idea.status == Idea.Status.DECLINED


@pytest.mark.parametrize(
    "due_on",
    [dt.date(1901, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 3, 4), dt.date(2040, 1, 1)],
    ids=["1901", "9999", "before the visit", "beyond ten years"],
)
def test_a_due_date_falls_between_the_visit_and_ten_years_ahead(campaign, coordinator, due_on):
    idea = IdeaFactory(visit__campaign=campaign, visit__visited_on=dt.date(2026, 3, 5))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        triage(idea, coordinator, due_on=due_on)
    assert "Choose a due date between the visit, 3/5/2026" in refused.value.message_dict["due_on"][
        0
    ].replace("05/03/2026", "3/5/2026")
    idea.refresh_from_db()
    assert idea.due_on is None


def test_a_due_date_kept_as_it_was_is_not_checked_again(campaign, coordinator):
    idea = IdeaFactory(visit__campaign=campaign, due_on=dt.date(2026, 1, 1))
    triage(idea, coordinator, status=Idea.Status.IN_REVIEW)
    idea.refresh_from_db()
    assert (idea.status, idea.due_on) == (Idea.Status.IN_REVIEW, dt.date(2026, 1, 1))


def test_triage_made_on_an_outdated_form_is_refused_and_changes_nothing(campaign, coordinator):
    idea = IdeaFactory(visit__campaign=campaign)
    form_made_at = idea.updated_at
    triage(Idea.objects.get(pk=idea.pk), coordinator, official_response="Ensimmäinen vastaus")

    with pytest.raises(EditConflict):
        triage(idea, coordinator, status=Idea.Status.IN_REVIEW, unchanged_since=form_made_at)

    idea.refresh_from_db()
    assert (idea.status, idea.official_response) == (Idea.Status.NEW, "Ensimmäinen vastaus")


def test_duplicate_status_needs_the_original_so_triage_refuses_it(coordinator):
    idea = IdeaFactory()
    with pytest.raises(ValidationError) as error:
        triage(idea, coordinator, status=Idea.Status.DUPLICATE)
    assert "status" in error.value.message_dict


def test_a_unit_manager_triages_what_the_unit_owns_but_not_the_report_flag(
    world, unit_manager, other_unit
):
    triage(world.owned, unit_manager, status=Idea.Status.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        triage(world.owned, unit_manager, is_shareable=True)
    with pytest.raises(PermissionDenied):
        triage(world.foreign, unit_manager, status=Idea.Status.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        triage(world.unit, unit_manager, status=Idea.Status.IN_REVIEW)


def test_staff_cannot_triage_even_their_own_idea(world, staff_member):
    with pytest.raises(PermissionDenied):
        triage(world.own, staff_member, status=Idea.Status.IN_REVIEW)


def test_every_write_keeps_the_figures_equal_to_a_fresh_computation(campaign, coordinator):
    idea = IdeaFactory(visit__campaign=campaign, status=Idea.Status.IN_REVIEW)
    original = IdeaFactory(visit__campaign=campaign)
    figures_refresh()

    triage(idea, coordinator, status=Idea.Status.ACCEPTED)
    assert shown(campaign) == reference(campaign)
    figures_refresh()
    assert shown(campaign).accepted == 1

    idea.refresh_from_db()
    idea_triage(
        idea=idea,
        by=coordinator,
        theme=None,
        owner_unit=None,
        status=Idea.Status.DECLINED,
        due_on=None,
        official_response="Ei tällä kertaa.",
    )
    other = IdeaFactory(visit__campaign=campaign)
    idea_mark_duplicate(idea=other, original=original, by=coordinator)
    figures_refresh()
    assert shown(campaign) == reference(campaign)
    assert shown(campaign).ideas == 2


def test_mark_duplicate_points_to_the_original_and_moves_earlier_duplicates(coordinator):
    original = IdeaFactory(title="Alkuperäinen")
    idea = IdeaFactory(title="Sama uudestaan")
    earlier = IdeaFactory(title="Sama kolmannen kerran")
    idea_mark_duplicate(idea=earlier, original=idea, by=coordinator)

    idea_mark_duplicate(idea=idea, original=original, by=coordinator)

    idea.refresh_from_db()
    earlier.refresh_from_db()
    assert (idea.status, idea.duplicate_of) == (Idea.Status.DUPLICATE, original)
    assert earlier.duplicate_of == original
    moves = LogEntry.objects.get_for_object(earlier).filter(action=LogEntry.Action.UPDATE)
    assert [e.changes_dict["duplicate_of"] for e in moves.order_by("timestamp")] == [
        ["None", str(idea.pk)],
        [str(idea.pk), str(original.pk)],
    ]
    assert all(e.actor == coordinator for e in moves)


def test_mark_duplicate_refuses_itself_a_duplicate_original_and_a_late_status(coordinator):
    idea = IdeaFactory()
    with pytest.raises(ValidationError) as error:
        idea_mark_duplicate(idea=idea, original=idea, by=coordinator)
    assert "original" in error.value.message_dict

    root = IdeaFactory()
    copy = IdeaFactory()
    idea_mark_duplicate(idea=copy, original=root, by=coordinator)
    with pytest.raises(ValidationError) as error:
        idea_mark_duplicate(idea=idea, original=copy, by=coordinator)
    assert str(root.pk) in error.value.message_dict["original"][0]

    accepted = IdeaFactory(status=Idea.Status.ACCEPTED)
    with pytest.raises(ValidationError):
        idea_mark_duplicate(idea=accepted, original=root, by=coordinator)


def test_taking_a_duplicate_back_into_review_forgets_the_original(coordinator):
    idea = IdeaFactory()
    idea_mark_duplicate(idea=idea, original=IdeaFactory(), by=coordinator)
    triage(Idea.objects.get(pk=idea.pk), coordinator, status=Idea.Status.IN_REVIEW)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.IN_REVIEW
    assert idea.duplicate_of is None


def test_export_record_keeps_who_which_filter_and_how_many(coordinator):
    export = idea_export_record(
        by=coordinator, export_format=IdeaExport.Format.CSV, query="theme=3", row_count=12
    )
    export.refresh_from_db()
    assert (export.exported_by, export.format, export.query, export.row_count) == (
        coordinator,
        "csv",
        "theme=3",
        12,
    )
    assert export.exported_at is not None
