"""factory_boy factories for every model; tests build exactly the rows they need."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from campaign.models import Campaign, Client, RosterEntry, Staff, Theme, Unit
from campaign.roles import STAFF
from ideas.models import Idea
from visits.models import Visit, VisitParticipant


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Yksikkö {n}")
    code = factory.Sequence(lambda n: f"U{n:03d}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or STAFF))


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Teema {n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Kampanja {n}")
    slug = factory.Sequence(lambda n: f"kampanja-{n}")
    starts_on = dt.date(2026, 3, 2)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=41))
    min_minutes = 60
    remote_counts = False
    weight_visit = Decimal("1")
    weight_idea = Decimal("3")
    weight_accepted = Decimal("2")


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    campaign = factory.SubFactory(CampaignFactory)
    staff = factory.SubFactory(StaffFactory)
    unit = factory.LazyAttribute(lambda o: o.staff.unit)
    is_leadership = factory.LazyAttribute(lambda o: o.staff.is_leadership)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Asiakas {n}")
    kind = Client.Kind.MUNICIPALITY
    region = "Uusimaa"


class VisitFactory(factory.django.DjangoModelFactory):
    """A visit that counts, unless a test changes one of its fields. `participants` defaults to
    the creator; each participant is credited to their current unit."""

    class Meta:
        model = Visit
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    client = factory.SubFactory(ClientFactory)
    visited_on = factory.LazyAttribute(lambda o: o.campaign.starts_on + dt.timedelta(days=3))
    minutes = 60
    is_remote = False
    status = Visit.Status.DONE
    listened_most = True
    not_without_campaign = True
    created_by = factory.SubFactory(StaffFactory)

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if not create:
            return
        for person in extracted if extracted is not None else [self.created_by]:
            VisitParticipant.objects.create(visit=self, staff=person, unit=person.unit)


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    visit = factory.SubFactory(VisitFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")
    text = "Asiakkaan omin sanoin."
    created_by = factory.LazyAttribute(lambda o: o.visit.created_by)
