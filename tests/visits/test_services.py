import datetime as dt
import threading
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from campaign.models import Client
from campaign.revisions import EditConflict
from leaderboard.services import figures_refresh
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from tests.leaderboard.reference import reference, shown
from visits.models import Visit
from visits.rules import VisitStatus
from visits.services import (
    ClientInput,
    DuplicateSubmissionError,
    SameDayVisitError,
    visit_log,
    visit_update,
    visit_withdraw,
)

pytestmark = pytest.mark.django_db


def log(campaign, created_by, client, today, **overrides):
    values = {
        "campaign": campaign,
        "created_by": created_by,
        "client": client,
        "visited_on": today,
        "minutes": 60,
        "listened_most": True,
        "not_without_campaign": True,
        "today": today,
    }
    return visit_log(**(values | overrides))


def test_credited_unit_is_the_roster_unit_else_the_current_one(running, tampere, today):
    roster_unit = UnitFactory(name="Vanha yksikkö")
    moved = StaffFactory(unit=UnitFactory(name="Uusi yksikkö"))
    RosterEntryFactory(campaign=running, staff=moved, unit=roster_unit)
    newcomer = StaffFactory()

    visit = log(running, moved, tampere, today, co_visitors=[newcomer])

    credited = {p.staff: p.unit for p in visit.participations.all()}
    assert credited == {moved: roster_unit, newcomer: newcomer.unit}


def test_a_future_date_makes_the_visit_planned(running, visitor, tampere, today):
    visit = log(running, visitor, tampere, today, visited_on=today + dt.timedelta(days=3))
    assert visit.status == VisitStatus.PLANNED
    assert not visit.counts


def test_log_creates_a_new_client_in_the_same_transaction(running, visitor, today):
    visit = log(
        running,
        visitor,
        None,
        today,
        new_client=ClientInput(name="Uusi järjestö ry", kind=Client.Kind.NGO, region="Lappi"),
    )
    assert visit.client.name == "Uusi järjestö ry"
    assert visit.client.kind == Client.Kind.NGO


def test_a_new_client_with_the_name_of_an_existing_one_is_refused(running, visitor, tampere, today):
    with pytest.raises(ValidationError) as refused:
        log(running, visitor, None, today, new_client=ClientInput(name="  tampereen   KAUPUNKI "))
    assert (
        "Tampereen kaupunki is already a client" in refused.value.message_dict["new_client_name"][0]
    )
    assert Client.objects.count() == 1
    assert not Visit.objects.exists()


def test_a_new_clients_name_is_saved_without_extra_spaces(running, visitor, today):
    visit = log(running, visitor, None, today, new_client=ClientInput(name=" Porin   kaupunki "))
    assert visit.client.name == "Porin kaupunki"


def test_every_write_keeps_the_figures_equal_to_a_fresh_computation(
    running, visitor, colleague, tampere, today
):
    RosterEntryFactory(campaign=running, staff=visitor)
    visit = log(running, visitor, tampere, today, co_visitors=[colleague])
    assert shown(running) == reference(running)
    figures_refresh()
    assert shown(running) == reference(running)
    assert shown(running).visits == 1

    visit_update(
        visit=visit,
        updated_by=visitor,
        client=ClientFactory(),
        visited_on=today - dt.timedelta(days=1),
        minutes=90,
        is_remote=False,
        status=VisitStatus.DONE,
        listened_most=True,
        not_without_campaign=True,
        notes="",
        benefit_rating=4,
        co_visitors=[],
        today=today,
    )
    figures_refresh()
    assert shown(running) == reference(running)
    assert shown(running).ratings == {4: 1}

    visit_withdraw(visit=visit, withdrawn_by=visitor, today=today)
    figures_refresh()
    assert shown(running) == reference(running)
    assert shown(running).visits == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes": 0}, "minutes", "from 1 to 720"),
        ({"minutes": 721}, "minutes", "from 1 to 720"),
        (
            {"status": VisitStatus.DONE, "visited_on_offset": 1},
            "visited_on",
            "A visit dated in the future can only be planned",
        ),
        (
            {"visited_on_offset": -30},
            "visited_on",
            "A done visit must be dated within the campaign",
        ),
    ],
)
def test_rules_have_messages_for_their_field(
    running, visitor, tampere, today, overrides, field, message
):
    offset = overrides.pop("visited_on_offset", 0)
    with pytest.raises(ValidationError) as error:
        log(
            running,
            visitor,
            tampere,
            today,
            visited_on=today + dt.timedelta(days=offset),
            **overrides,
        )
    assert message in " ".join(error.value.message_dict[field])
    assert Visit.objects.count() == 0


def test_logging_closes_after_the_grace_days_but_not_for_coordinators(
    running, visitor, coordinator, tampere
):
    after = running.logging_closes_on + dt.timedelta(days=1)
    inside = running.ends_on
    with pytest.raises(ValidationError) as error:
        log(running, visitor, tampere, after, visited_on=inside)
    assert "Logging visits for this campaign closed on" in error.value.messages[0]

    on_last_grace_day = log(running, visitor, tampere, running.logging_closes_on, visited_on=inside)
    assert on_last_grace_day.pk

    by_coordinator = log(running, coordinator, tampere, after, visited_on=inside)
    assert by_coordinator.pk


def test_staff_cannot_edit_or_withdraw_after_logging_closed(
    running, visitor, coordinator, tampere, today
):
    visit = log(running, visitor, tampere, today)
    after = running.logging_closes_on + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        visit_withdraw(visit=visit, withdrawn_by=visitor, today=after)
    visit_withdraw(visit=visit, withdrawn_by=coordinator, today=after)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_a_person_appears_once(running, visitor, colleague, tampere, today):
    with pytest.raises(ValidationError) as error:
        log(running, visitor, tampere, today, co_visitors=[colleague, colleague])
    assert "is listed more than once" in error.value.message_dict["co_visitors"][0]
    with pytest.raises(ValidationError):
        log(running, visitor, tampere, today, co_visitors=[visitor])
    assert Visit.objects.count() == 0


def test_update_removes_participants(running, visitor, colleague, tampere, today):
    visit = log(running, visitor, tampere, today, co_visitors=[colleague])
    visit_update(
        visit=visit,
        updated_by=visitor,
        client=tampere,
        visited_on=today,
        minutes=60,
        is_remote=False,
        status=VisitStatus.DONE,
        listened_most=True,
        not_without_campaign=True,
        notes="",
        benefit_rating=None,
        co_visitors=[],
        today=today,
    )
    assert [p.staff for p in visit.participations.all()] == [visitor]


def test_withdraw_keeps_the_visit_as_cancelled(running, visitor, tampere, today):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor, visited_on=today)
    visit_withdraw(visit=visit, withdrawn_by=visitor, today=today)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert not visit.counts


def test_the_same_form_token_logs_one_visit(running, visitor, tampere, today):
    token = uuid.uuid4()
    first = log(running, visitor, tampere, today, submission_token=token)
    with pytest.raises(DuplicateSubmissionError) as duplicate:
        log(running, visitor, tampere, today, submission_token=token)
    assert duplicate.value.visit == first
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_racing_duplicate_loses_on_the_unique_constraint(today):
    """The second request passes the early check while the first is uncommitted; the database's
    unique constraint stops it and it gets the first request's visit back."""
    campaign = CampaignFactory(
        starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=5)
    )
    person = StaffFactory()
    client = ClientFactory()
    token = uuid.uuid4()
    inserted, outcome = threading.Event(), {}

    def second_request():
        inserted.wait(10)
        try:
            log(campaign, person, client, today, submission_token=token)
        except DuplicateSubmissionError as duplicate:
            outcome["visit"] = duplicate.visit
            outcome["cause"] = duplicate.__cause__
        finally:
            connections.close_all()

    racer = threading.Thread(target=second_request)
    racer.start()
    with transaction.atomic():
        first = log(campaign, person, client, today, submission_token=token)
        inserted.set()
        _wait_until_another_session_waits_for_a_lock()
    racer.join(10)

    assert outcome["visit"] == first
    assert type(outcome["cause"]).__name__ == "IntegrityError"
    assert Visit.objects.filter(submission_token=token).count() == 1


def _wait_until_another_session_waits_for_a_lock(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Activity statistics are a snapshot per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    pytest.fail("the second request never waited for the first one's row")


def test_a_second_visit_to_the_same_client_on_the_same_day_needs_confirmation(
    running, visitor, colleague, tampere, today
):
    first = log(running, visitor, tampere, today)
    with pytest.raises(SameDayVisitError) as refused:
        log(running, visitor, tampere, today, submission_token=uuid.uuid4())
    assert refused.value.visit == first
    assert "client" in refused.value.message_dict
    assert Visit.objects.count() == 1
    log(running, visitor, tampere, today, same_day_confirmed=True)
    assert Visit.objects.count() == 2


def test_the_same_day_guard_ignores_cancelled_visits_other_people_and_other_days(
    running, visitor, colleague, tampere, today
):
    withdrawn = log(running, visitor, tampere, today)
    visit_withdraw(visit=withdrawn, withdrawn_by=visitor, today=today)
    log(running, visitor, tampere, today)
    log(running, colleague, tampere, today)
    log(running, visitor, tampere, today - dt.timedelta(days=1))
    assert Visit.objects.count() == 4


def test_a_planned_visit_after_the_campaign_is_refused(running, visitor, tampere, today):
    later = running.ends_on + dt.timedelta(days=90)
    with pytest.raises(ValidationError) as refused:
        log(running, visitor, tampere, today, visited_on=later)
    assert "before the end of the campaign" in " ".join(refused.value.message_dict["visited_on"])
    assert not Visit.objects.exists()
    planned = log(running, visitor, tampere, today, visited_on=running.ends_on)
    assert planned.status == VisitStatus.PLANNED


def _edit(visit, by, today, **changes):
    values = {
        "client": visit.client,
        "visited_on": visit.visited_on,
        "minutes": visit.minutes,
        "is_remote": visit.is_remote,
        "status": visit.status,
        "listened_most": visit.listened_most,
        "not_without_campaign": visit.not_without_campaign,
        "notes": visit.notes,
        "benefit_rating": visit.benefit_rating,
        "co_visitors": [],
        "today": today,
    }
    return visit_update(visit=visit, updated_by=by, **(values | changes))


def test_an_edit_that_makes_a_second_same_day_visit_needs_confirmation(
    running, visitor, tampere, today
):
    first = log(running, visitor, tampere, today)
    other = log(running, visitor, ClientFactory(), today)
    with pytest.raises(SameDayVisitError) as refused:
        _edit(other, visitor, today, client=tampere)
    assert refused.value.visit == first
    other.refresh_from_db()
    assert other.client != tampere

    _edit(other, visitor, today, client=tampere, same_day_confirmed=True)
    other.refresh_from_db()
    assert (other.client, other.same_day_confirmed) == (tampere, True)


def test_bringing_back_a_withdrawn_visit_beside_a_new_one_needs_confirmation(
    running, visitor, tampere, today
):
    withdrawn = log(running, visitor, tampere, today)
    visit_withdraw(visit=withdrawn, withdrawn_by=visitor, today=today)
    log(running, visitor, tampere, today)
    with pytest.raises(SameDayVisitError):
        _edit(withdrawn, visitor, today, status=VisitStatus.DONE)
    withdrawn.refresh_from_db()
    assert withdrawn.status == VisitStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_a_racing_second_form_to_the_same_client_on_the_same_day_is_refused(today):
    """The second form passes the same-day check while the first is uncommitted; the database's
    constraint makes it wait for the first and then refuse it, with the first visit to open."""
    campaign = CampaignFactory(
        starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=5)
    )
    person = StaffFactory()
    client = ClientFactory()
    inserted, outcome = threading.Event(), {}

    def second_form():
        inserted.wait(10)
        try:
            log(campaign, person, client, today, submission_token=uuid.uuid4())
        except SameDayVisitError as refused:
            outcome["visit"] = refused.visit
            outcome["cause"] = refused.__cause__
        finally:
            connections.close_all()

    racer = threading.Thread(target=second_form)
    racer.start()
    with transaction.atomic():
        first = log(campaign, person, client, today, submission_token=uuid.uuid4())
        inserted.set()
        _wait_until_another_session_waits_for_a_lock()
    racer.join(10)

    assert outcome["visit"] == first
    assert type(outcome["cause"]).__name__ == "IntegrityError"
    assert Visit.objects.filter(campaign=campaign).count() == 1


def test_an_edit_made_on_an_outdated_form_is_refused_and_changes_nothing(
    running, visitor, colleague, tampere, today
):
    visit = log(running, visitor, tampere, today, co_visitors=[colleague])
    form_made_at = visit.updated_at
    _edit(Visit.objects.get(pk=visit.pk), colleague, today, notes="Kaisan muistiinpanot")

    with pytest.raises(EditConflict) as refused:
        _edit(visit, visitor, today, minutes=90, unchanged_since=form_made_at)

    assert refused.value.current.pk == visit.pk
    saved = Visit.objects.get(pk=visit.pk)
    assert (saved.minutes, saved.notes) == (60, "Kaisan muistiinpanot")
    _edit(saved, visitor, today, minutes=90, unchanged_since=saved.updated_at)
    assert Visit.objects.get(pk=visit.pk).minutes == 90
