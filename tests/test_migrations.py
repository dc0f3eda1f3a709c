import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.fixture
def migrator(transactional_db):
    """Runs the migrations to a given state, and back to the latest one after the test."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(*targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(list(targets))
        return executor.loader.project_state(list(targets)).apps

    yield migrate
    call_command("migrate", verbosity=0)


def test_client_names_are_normalised_and_told_apart_before_they_must_be_unique(migrator):
    old = migrator(("campaign", "0003_campaign_field_messages"))
    Client = old.get_model("campaign", "Client")
    Client.objects.create(name="Oulun  kaupunki ")
    Client.objects.create(name="oulun kaupunki", business_id="0187690-1")
    Client.objects.create(name="OULUN KAUPUNKI")
    Client.objects.create(name="Tampere")

    new = migrator(("campaign", "0004_client_name_normalised_and_unique"))

    names = (
        new.get_model("campaign", "Client").objects.order_by("pk").values_list("name", flat=True)
    )
    assert list(names) == [
        "Oulun kaupunki",
        "oulun kaupunki (0187690-1)",
        "OULUN KAUPUNKI (2)",
        "Tampere",
    ]


def test_existing_rows_are_made_to_fit_the_limits_before_the_constraints_hold(migrator):
    old = migrator(
        ("campaign", "0004_client_name_normalised_and_unique"),
        ("visits", "0001_initial"),
        ("ideas", "0002_idea_export"),
    )
    Campaign = old.get_model("campaign", "Campaign")
    first = Campaign.objects.create(
        name="Kylään", slug="a", starts_on=dt.date(2026, 3, 2), ends_on=dt.date(9999, 12, 31)
    )
    second = Campaign.objects.create(
        name="KYLÄÄN", slug="b", starts_on=dt.date(1901, 1, 1), ends_on=dt.date(2026, 4, 1)
    )
    Staff = old.get_model("campaign", "Staff")
    person = Staff.objects.create(username="vanha")
    client = old.get_model("campaign", "Client").objects.create(name="Asiakas")
    visit = old.get_model("visits", "Visit").objects.create(
        campaign=first,
        client=client,
        visited_on=dt.date(1901, 1, 1),
        minutes=60,
        notes="x" * 200_000,
        created_by=person,
    )
    Idea = old.get_model("ideas", "Idea")
    idea = Idea.objects.create(
        visit=visit,
        title="Idea",
        text="y" * 100_000,
        due_on=dt.date(9999, 12, 31),
        created_by=person,
    )

    new = migrator(
        ("campaign", "0007_limits_on_text_dates_and_campaign_names"),
        ("visits", "0003_limits_on_notes_and_dates"),
        ("ideas", "0004_limits_on_texts_and_due_dates"),
    )

    campaigns = new.get_model("campaign", "Campaign").objects
    assert campaigns.get(pk=first.pk).ends_on == dt.date(2099, 12, 31)
    assert (campaigns.get(pk=second.pk).name, campaigns.get(pk=second.pk).starts_on) == (
        "KYLÄÄN (2)",
        dt.date(2000, 1, 1),
    )
    visit = new.get_model("visits", "Visit").objects.get(pk=visit.pk)
    assert (len(visit.notes), visit.notes[-1], visit.visited_on) == (
        5000,
        "…",
        dt.date(2000, 1, 1),
    )
    idea = new.get_model("ideas", "Idea").objects.get(pk=idea.pk)
    assert (len(idea.text), idea.due_on) == (5000, None)


def test_visits_that_already_share_a_person_client_and_day_are_kept_as_confirmed(migrator):
    # The campaigns of the time, too: a later campaign column would be left without a value.
    old = migrator(
        ("visits", "0003_limits_on_notes_and_dates"),
        ("campaign", "0007_limits_on_text_dates_and_campaign_names"),
    )
    campaign = old.get_model("campaign", "Campaign").objects.create(
        name="Kylään", slug="a", starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 4, 12)
    )
    person = old.get_model("campaign", "Staff").objects.create(username="kiireinen")
    client = old.get_model("campaign", "Client").objects.create(name="Asiakas")
    Visit = old.get_model("visits", "Visit")
    same = {
        "campaign": campaign,
        "client": client,
        "visited_on": dt.date(2026, 3, 5),
        "minutes": 60,
        "created_by": person,
    }
    first, second, third = (Visit.objects.create(**same) for _ in range(3))
    cancelled = Visit.objects.create(status="cancelled", **same)

    new = migrator(("visits", "0005_one_visit_per_person_client_day"))

    confirmed = dict(
        new.get_model("visits", "Visit").objects.values_list("pk", "same_day_confirmed")
    )
    assert confirmed == {first.pk: False, second.pk: True, third.pk: True, cancelled.pk: False}


def test_a_changed_permission_list_reaches_an_existing_database_on_migrate(db, monkeypatch):
    from django.contrib.auth.models import Group

    from campaign import roles

    staff = Group.objects.get(name=roles.STAFF)
    assert not staff.permissions.filter(codename="view_ideaexport").exists()

    changed = {
        **roles.ROLE_PERMISSIONS,
        roles.STAFF: [*roles._STAFF_PERMISSIONS, "ideas.view_ideaexport"],
    }
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", changed)
    call_command("migrate", verbosity=0)

    assert staff.permissions.filter(codename="view_ideaexport").exists()
    assert staff.permissions.count() == len(changed[roles.STAFF])


def test_the_roles_migration_keeps_its_own_permission_lists():
    source = Path(settings.BASE_DIR, "campaign", "migrations", "0002_roles.py").read_text()
    assert "campaign.roles" not in source
