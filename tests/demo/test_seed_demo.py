import datetime as dt

import pytest
from django.core.management import call_command

from campaign.models import (
    Campaign,
    Client,
    RosterEntry,
    Staff,
    Theme,
    Unit,
    business_id_validator,
)
from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS
from demo.seed import seed_demo
from ideas.models import Idea
from visits.models import Visit, VisitParticipant

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)


def table_sizes():
    models = [Unit, Staff, Client, Theme, Campaign, RosterEntry, Visit, VisitParticipant, Idea]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_figures():
    seed_demo(password="demo-pass-1", today=TODAY)
    campaign = Campaign.objects.get(is_current=True)
    assert campaign.is_running(TODAY)
    assert campaign.duration_days == 42

    assert Unit.objects.departments().count() == 2
    assert 8 <= Unit.objects.filter(parent__isnull=False).count() <= 10
    assert 115 <= Staff.objects.count() <= 130
    assert Staff.objects.filter(is_leadership=True).count() >= 5
    assert 55 <= Client.objects.count() <= 65
    assert set(Client.objects.values_list("kind", flat=True)) == set(Client.Kind.values)
    assert Client.objects.values("region").distinct().count() >= 8
    assert Theme.objects.count() == 6
    assert campaign.roster.count() == Staff.objects.filter(unit__isnull=False).count()

    visits = Visit.objects.in_campaign(campaign)
    # 220 generated visits and two for the mails `send_notifications` has right away.
    assert visits.count() == 222
    counted = visits.counted().count()
    assert 150 <= counted < 220
    assert visits.filter(status=Visit.Status.PLANNED).exists()
    assert visits.filter(status=Visit.Status.DONE).not_counted().exists()
    # One planned visit's day has passed, demo-staff's: its "how did it go?" mail is due.
    overdue = visits.filter(status=Visit.Status.PLANNED, visited_on__lte=TODAY)
    assert list(overdue.values_list("created_by__username", flat=True)) == ["demo-staff"]

    ideas = Idea.objects.in_campaign(campaign)
    assert 45 <= ideas.count() <= 67
    assert set(ideas.values_list("status", flat=True)) == set(Idea.Status.values)
    # Joint visits by several units exist, as in a real campaign.
    joint = VisitParticipant.objects.values("visit").distinct().count()
    assert VisitParticipant.objects.count() > joint


def test_demo_users_and_roles():
    result = seed_demo(password="demo-pass-1", today=TODAY)
    assert set(result.passwords) == {"demo-staff", "demo-manager", "demo-coordinator", "demo-admin"}
    groups = {
        user.username: set(user.groups.values_list("name", flat=True))
        for user in Staff.objects.filter(username__startswith="demo-")
    }
    assert groups["demo-staff"] == {STAFF}
    assert groups["demo-manager"] == {UNIT_MANAGERS}
    assert groups["demo-coordinator"] == {COORDINATORS}
    admin = Staff.objects.get(username="demo-admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("demo-pass-1")
    staff = Staff.objects.get(username="demo-staff")
    assert Visit.objects.with_participant(staff).exists()


def test_second_run_changes_nothing():
    seed_demo(password="demo-pass-1", today=TODAY)
    before = table_sizes()
    visits_before = list(Visit.objects.order_by("pk").values())
    ideas_before = list(Idea.objects.order_by("pk").values())
    result = seed_demo(password="demo-pass-1", today=TODAY + dt.timedelta(days=3))
    assert table_sizes() == before
    assert list(Visit.objects.order_by("pk").values()) == visits_before
    assert list(Idea.objects.order_by("pk").values()) == ideas_before
    assert not any(result.created.values())


def test_command_prints_a_random_password_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "demo-staff / " in first
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "Demo data in place." in second
    assert "demo-staff / " not in second


def test_second_run_leaves_rosters_alone_after_staff_changes():
    seed_demo(password="demo-pass-1", today=TODAY)
    rosters = {c.slug: c.roster.count() for c in Campaign.objects.all()}
    newcomer = Staff.objects.create(username="newcomer", unit=Unit.objects.get(code="TH-TE"))
    seed_demo(password="demo-pass-1", today=TODAY)
    assert {c.slug: c.roster.count() for c in Campaign.objects.all()} == rosters
    assert not RosterEntry.objects.filter(staff=newcomer).exists()


def test_every_demo_business_id_has_a_valid_check_digit():
    seed_demo(password="demo-pass-123", today=TODAY)
    business_ids = Client.objects.exclude(business_id="").values_list("business_id", flat=True)
    assert business_ids
    for business_id in business_ids:
        business_id_validator(business_id)
