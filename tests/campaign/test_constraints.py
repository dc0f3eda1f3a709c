"""Each invariant is held by the database itself, not only by forms."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from campaign.models import Client, RosterEntry, Unit
from ideas.models import Idea
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    ThemeFactory,
    UnitFactory,
    VisitFactory,
)
from visits.models import Visit, VisitParticipant

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_campaign_must_end_on_or_after_start():
    rejected(lambda: CampaignFactory(starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 30)))
    CampaignFactory(starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 1))


@pytest.mark.parametrize("minutes", [0, 721])
def test_campaign_minimum_minutes_in_range(minutes):
    rejected(lambda: CampaignFactory(min_minutes=minutes))


def test_campaign_weights_cannot_be_negative():
    rejected(lambda: CampaignFactory(weight_idea=Decimal("-1")))


def test_campaign_grace_days_bounded():
    rejected(lambda: CampaignFactory(grace_days=91))


def test_only_one_campaign_is_current():
    CampaignFactory(is_current=True)
    CampaignFactory(is_current=False)
    rejected(lambda: CampaignFactory(is_current=True))


def test_unit_cannot_be_its_own_department():
    unit = UnitFactory()
    unit.parent_id = unit.pk
    rejected(lambda: unit.save())
    assert Unit.objects.get(pk=unit.pk).parent_id is None


def test_one_roster_entry_per_person_per_campaign():
    entry = RosterEntryFactory()
    rejected(
        lambda: RosterEntry.objects.create(
            campaign=entry.campaign, staff=entry.staff, unit=UnitFactory()
        )
    )


def test_business_id_unique_when_given_and_blank_allowed_twice():
    ClientFactory(business_id="0211675-2")
    rejected(lambda: ClientFactory(business_id="0211675-2"))
    ClientFactory(business_id="")
    ClientFactory(business_id="")
    assert Client.objects.filter(business_id="").count() == 2


@pytest.mark.parametrize("name", ["tampereen KAUPUNKI", "Tampereen kaupunki"])
def test_two_clients_cannot_share_a_name_whatever_the_case(name):
    ClientFactory(name="Tampereen kaupunki")
    rejected(lambda: ClientFactory(name=name))


@pytest.mark.parametrize("name", [" Oulu", "Oulu ", "Oulun  kaupunki", "Oulun\tkaupunki", "A\nB"])
def test_a_client_name_is_stored_without_extra_spaces(name):
    rejected(lambda: ClientFactory(name=name))


def test_client_kind_must_be_known():
    rejected(lambda: ClientFactory(kind="castle"))


@pytest.mark.parametrize("minutes", [0, 721])
def test_visit_minutes_in_range(minutes):
    rejected(lambda: VisitFactory(minutes=minutes))


@pytest.mark.parametrize("rating", [0, 6])
def test_visit_rating_in_range(rating):
    rejected(lambda: VisitFactory(benefit_rating=rating))


def test_visit_rating_may_be_empty():
    assert VisitFactory(benefit_rating=None).benefit_rating is None


def test_visit_status_must_be_known():
    rejected(lambda: VisitFactory(status="postponed"))


def test_submission_token_used_once():
    token = uuid.uuid4()
    VisitFactory(submission_token=token)
    rejected(lambda: VisitFactory(submission_token=token))
    VisitFactory(submission_token=None)
    VisitFactory(submission_token=None)
    assert Visit.objects.filter(submission_token__isnull=True).count() == 2


def test_person_appears_once_per_visit():
    visit = VisitFactory()
    person = visit.created_by
    rejected(lambda: VisitParticipant.objects.create(visit=visit, staff=person, unit=person.unit))


def test_idea_is_never_its_own_duplicate():
    idea = IdeaFactory()
    idea.status = Idea.Status.DUPLICATE
    idea.duplicate_of_id = idea.pk
    rejected(lambda: idea.save())


def test_duplicate_names_original_and_only_duplicate_does():
    original = IdeaFactory()
    rejected(lambda: IdeaFactory(status=Idea.Status.DUPLICATE, duplicate_of=None))
    rejected(lambda: IdeaFactory(status=Idea.Status.NEW, duplicate_of=original))
    duplicate = IdeaFactory(status=Idea.Status.DUPLICATE, duplicate_of=original)
    assert duplicate.duplicate_of == original


def test_idea_status_must_be_known():
    rejected(lambda: IdeaFactory(status="maybe"))


def test_staff_unit_cannot_be_deleted_while_in_use():
    person = StaffFactory()
    with pytest.raises(Exception, match="protected"), transaction.atomic():
        person.unit.delete()


# --- limits: free text, dates, campaign names (the admin and the shell cannot go past them) -----


@pytest.mark.parametrize(
    "make",
    [
        lambda: CampaignFactory(description="x" * 5001),
        lambda: CampaignFactory(visit_definition="x" * 1001),
        lambda: ThemeFactory(description="x" * 1001),
        lambda: VisitFactory(notes="x" * 5001),
        lambda: IdeaFactory(text="x" * 5001),
        lambda: IdeaFactory(official_response="x" * 5001),
    ],
    ids=["campaign message", "definition", "theme", "notes", "idea text", "response"],
)
def test_free_text_longer_than_its_limit_is_refused_by_the_database(make):
    rejected(make)


def test_free_text_up_to_its_limit_is_kept():
    visit = VisitFactory(notes="ä" * 5000)
    assert len(Visit.objects.get(pk=visit.pk).notes) == 5000


@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(2100, 1, 1), dt.date(9999, 12, 31)])
def test_dates_outside_2000_to_2099_are_refused_by_the_database(day):
    rejected(lambda: IdeaFactory(due_on=day))
    rejected(lambda: VisitFactory(visited_on=day))
    rejected(lambda: CampaignFactory(starts_on=day, ends_on=day))


def test_two_campaigns_cannot_share_a_name_whatever_the_case():
    CampaignFactory(name="Kylään 2027")
    rejected(lambda: CampaignFactory(name="KYLÄÄN 2027"))


def test_one_visit_per_person_client_and_day_unless_confirmed_or_cancelled():
    first = VisitFactory(same_day_confirmed=False)
    same_day = {
        "campaign": first.campaign,
        "client": first.client,
        "created_by": first.created_by,
        "visited_on": first.visited_on,
    }
    rejected(lambda: VisitFactory(same_day_confirmed=False, **same_day))
    VisitFactory(same_day_confirmed=True, **same_day)
    VisitFactory(same_day_confirmed=False, status=Visit.Status.CANCELLED, **same_day)
    VisitFactory(same_day_confirmed=False, **(same_day | {"client": ClientFactory()}))
    assert Visit.objects.count() == 4
