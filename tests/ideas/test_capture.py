"""Ideas captured with their visit: the visit and its ideas are saved together or not at all."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from campaign.models import Client
from ideas.models import Idea
from ideas.services import IdeaInput, visit_log_with_ideas, visit_update_with_ideas
from tests.english import english_messages  # noqa: F401
from tests.factories import ClientFactory, StaffFactory, UnitFactory
from visits.models import Visit, VisitParticipant
from visits.rules import VisitStatus
from visits.services import ClientInput

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
    return visit_log_with_ideas(**(values | overrides))


def test_log_saves_visit_participants_and_ideas(running, visitor, colleague, tampere, today):
    theme = running.themes.get()
    visit = log(
        running,
        visitor,
        tampere,
        today,
        co_visitors=[colleague],
        notes="Tilastokuutiot ovat vaikeita.",
        benefit_rating=5,
        ideas=[IdeaInput(title="Neuvontapalvelu", text="Yksi osoite", theme=theme)],
        submission_token=uuid.uuid4(),
    )

    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.counts
    assert visit.created_by == visitor
    assert {p.staff for p in visit.participations.all()} == {visitor, colleague}
    idea = visit.ideas.get()
    assert (idea.title, idea.text, idea.theme, idea.created_by) == (
        "Neuvontapalvelu",
        "Yksi osoite",
        theme,
        visitor,
    )
    assert idea.status == Idea.Status.NEW


def test_a_bad_idea_row_saves_nothing(running, visitor, colleague, today):
    clients_before = Client.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        log(
            running,
            visitor,
            None,
            today,
            new_client=ClientInput(name="Uusi järjestö ry"),
            co_visitors=[colleague],
            ideas=[IdeaInput(title="Hyvä idea"), IdeaInput(title="x" * 201)],
        )
    assert "Idea 2" in " ".join(error.value.message_dict["ideas"])
    assert Visit.objects.count() == 0
    assert VisitParticipant.objects.count() == 0
    assert Idea.objects.count() == 0
    assert Client.objects.count() == clients_before


def test_update_keeps_the_logger_and_credited_units(running, visitor, colleague, tampere, today):
    visit = log(running, visitor, tampere, today, co_visitors=[colleague])
    original_unit = colleague.unit
    colleague.unit = UnitFactory(name="Muualla")
    colleague.save()
    newcomer = StaffFactory()

    visit_update_with_ideas(
        visit=visit,
        updated_by=colleague,
        client=ClientFactory(name="Oulun kaupunki"),
        visited_on=today - dt.timedelta(days=1),
        minutes=45,
        is_remote=True,
        status=VisitStatus.DONE,
        listened_most=True,
        not_without_campaign=False,
        notes="Korjattu",
        benefit_rating=3,
        co_visitors=[colleague, newcomer],
        new_ideas=[IdeaInput(title="Jälkikäteen muistettu")],
        today=today,
    )

    visit.refresh_from_db()
    assert visit.client.name == "Oulun kaupunki"
    assert (visit.minutes, visit.is_remote, visit.notes) == (45, True, "Korjattu")
    credited = {p.staff: p.unit for p in visit.participations.all()}
    assert credited == {visitor: visitor.unit, colleague: original_unit, newcomer: newcomer.unit}
    assert visit.ideas.get().created_by == colleague
    assert not visit.counts


def test_a_planned_visit_takes_no_ideas_yet(running, visitor, tampere, today):
    with pytest.raises(ValidationError) as refused:
        log(
            running,
            visitor,
            tampere,
            today,
            visited_on=today + dt.timedelta(days=3),
            ideas=[IdeaInput(title="Liian aikaisin")],
        )
    assert "once the visit has taken place" in " ".join(refused.value.message_dict["ideas"])
    assert Visit.objects.count() == 0
    planned = log(running, visitor, tampere, today, visited_on=today + dt.timedelta(days=3))
    assert planned.status == VisitStatus.PLANNED


def _changes(visit, **overrides):
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
    }
    return values | overrides


def test_a_withdrawn_visit_takes_no_new_ideas(running, visitor, tampere, today):
    visit = log(running, visitor, tampere, today)
    with pytest.raises(ValidationError) as refused:
        visit_update_with_ideas(
            visit=visit,
            updated_by=visitor,
            new_ideas=[IdeaInput(title="Peruttu")],
            today=today,
            **_changes(visit, status=VisitStatus.CANCELLED),
        )
    assert "ideas" in refused.value.message_dict
    assert not Idea.objects.exists()


def test_a_visit_with_ideas_cannot_become_planned(running, visitor, tampere, today):
    visit = log(running, visitor, tampere, today, ideas=[IdeaInput(title="Hyvä idea")])
    tomorrow = today + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        visit_update_with_ideas(
            visit=visit,
            updated_by=visitor,
            today=today,
            **_changes(visit, status=VisitStatus.PLANNED, visited_on=tomorrow),
        )
    assert "cannot be planned" in " ".join(refused.value.message_dict["status"])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
