"""purge_personal_data: the clients' addresses after their campaign's retention period, and a
campaign's visits, ideas, answers, roster and audit entries three years after its end."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from campaign.models import RosterEntry
from ideas.models import Idea, IdeaExport
from ideas.services import personal_data_purge
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    VisitFactory,
)
from visits.models import ClientFeedback, Visit, VisitParticipant

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 6, 1)


def _answer(visit, email="asiakas@kunta.example"):
    return ClientFeedback.objects.create(
        visit=visit, benefit_rating=4, next_steps="Jatketaan.", email=email,
        email_consented_at=visit.created_at if email else None, language="fi",
        answered_at=visit.created_at,
    )  # fmt: skip


def test_addresses_go_after_the_retention_period_the_coordinator_set():
    campaign = CampaignFactory(
        starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 2, 1), client_email_retention_days=30
    )
    kept_longer = CampaignFactory(
        starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 2, 1), client_email_retention_days=365
    )
    gone = _answer(VisitFactory(campaign=campaign))
    kept = _answer(VisitFactory(campaign=kept_longer))

    assert personal_data_purge(today=dt.date(2030, 3, 3)).client_addresses == 0  # the last day
    purged = personal_data_purge(today=dt.date(2030, 3, 4))

    assert purged.client_addresses == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.email, gone.email_consented_at, gone.benefit_rating) == ("", None, 4)
    assert kept.email == "asiakas@kunta.example"


def test_a_campaign_three_years_old_loses_its_visits_ideas_roster_and_audit_entries():
    old = CampaignFactory(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 1))
    recent = CampaignFactory(starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 3, 1))
    person = StaffFactory()
    RosterEntryFactory(campaign=old, staff=person)
    RosterEntryFactory(campaign=recent, staff=person)
    old_visit = VisitFactory(campaign=old, created_by=person, notes="Muistiinpano")
    _answer(old_visit)
    original = IdeaFactory(visit=old_visit)
    duplicate = IdeaFactory(visit=old_visit)
    duplicate.status, duplicate.duplicate_of = Idea.Status.DUPLICATE, original
    duplicate.save()
    new_visit = VisitFactory(campaign=recent, created_by=person)
    new_idea = IdeaFactory(visit=new_visit)
    audited = LogEntry.objects.filter(object_pk=str(old_visit.pk)).count()
    assert audited  # the visit's creation was audited
    export = IdeaExport.objects.create(exported_by=person, format="csv", row_count=1)
    IdeaExport.objects.filter(pk=export.pk).update(
        exported_at=dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    )

    purged = personal_data_purge(today=dt.date(2029, 5, 1))  # not yet three years
    assert purged.visits == 0
    purged = personal_data_purge(today=TODAY)

    assert (purged.campaigns, purged.visits, purged.ideas, purged.kept_ideas) == (1, 1, 2, 0)
    assert purged.idea_exports == 1
    assert not Visit.objects.filter(campaign=old).exists()
    assert not VisitParticipant.objects.filter(visit_id=old_visit.pk).exists()
    assert not ClientFeedback.objects.filter(visit_id=old_visit.pk).exists()
    assert not RosterEntry.objects.filter(campaign=old).exists()
    for model, pk in [("visit", old_visit.pk), ("idea", original.pk), ("idea", duplicate.pk)]:
        assert not LogEntry.objects.filter(content_type__model=model, object_pk=str(pk)).exists()
    assert LogEntry.objects.filter(content_type__model="visit", object_pk=str(new_visit.pk))
    old.refresh_from_db()  # the campaign itself stays
    assert Visit.objects.filter(pk=new_visit.pk).exists()
    assert Idea.objects.filter(pk=new_idea.pk).exists()
    assert RosterEntry.objects.filter(campaign=recent).count() == 1


def test_an_original_of_a_newer_duplicate_is_kept_with_its_visit():
    old = CampaignFactory(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 1))
    recent = CampaignFactory(starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 3, 1))
    original = IdeaFactory(visit=VisitFactory(campaign=old))
    other_old = IdeaFactory(visit=VisitFactory(campaign=old))
    newer = IdeaFactory(visit=VisitFactory(campaign=recent))
    newer.status, newer.duplicate_of = Idea.Status.DUPLICATE, original
    newer.save()

    purged = personal_data_purge(today=TODAY)

    assert (purged.visits, purged.ideas, purged.kept_ideas) == (1, 1, 1)
    assert Idea.objects.filter(pk=original.pk).exists()
    assert not Idea.objects.filter(pk=other_old.pk).exists()


def test_the_command_reports_what_it_removed(capsys):
    call_command("purge_personal_data")
    assert "Removed 0 client e-mail addresses" in capsys.readouterr().out
