import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from campaign.models import Campaign, RosterEntry
from campaign.services import (
    campaign_clone,
    campaign_clone_dates,
    campaign_copy_name,
    campaign_create,
    campaign_update,
    roster_take,
)
from leaderboard.selectors import unit_standings
from tests.english import english_messages  # noqa: F401
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    ThemeFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def _settings(**overrides):
    values = {
        "name": "Kylään 2027",
        "slug": "kylaan-2027",
        "starts_on": dt.date(2027, 3, 1),
        "ends_on": dt.date(2027, 4, 11),
    }
    return values | overrides


def test_create_sets_themes_and_takes_over_the_current_flag():
    old = CampaignFactory(is_current=True)
    themes = [ThemeFactory(name="Tiedolla johtaminen"), ThemeFactory(name="Tilastot")]

    campaign = campaign_create(themes=themes, make_current=True, min_minutes=45, **_settings())

    old.refresh_from_db()
    assert campaign.is_current
    assert not old.is_current
    assert Campaign.objects.current() == campaign
    assert set(campaign.themes.all()) == set(themes)
    assert campaign.min_minutes == 45


def test_create_rejects_an_end_before_the_start():
    with pytest.raises(ValidationError):
        campaign_create(**_settings(ends_on=dt.date(2027, 2, 1)))
    assert not Campaign.objects.exists()


def test_update_unsets_current_only_when_asked(campaign):
    campaign_update(campaign=campaign, name="Uusi nimi")
    campaign.refresh_from_db()
    assert campaign.is_current
    assert campaign.name == "Uusi nimi"

    campaign_update(campaign=campaign, make_current=False)
    campaign.refresh_from_db()
    assert not campaign.is_current


def test_the_leaderboard_shows_a_changed_weight_at_once(campaign):
    person = StaffFactory()
    RosterEntryFactory(campaign=campaign, staff=person)
    IdeaFactory(visit=VisitFactory(campaign=campaign, created_by=person))
    assert unit_standings(campaign=campaign)[0].score == Decimal("40.00")  # (1 + 3) per 10 / 1

    campaign_update(campaign=campaign, weight_idea=Decimal("5"))
    assert unit_standings(campaign=campaign)[0].score == Decimal("60.00")


def test_clone_copies_rules_weights_themes_and_messages_but_no_visits_or_roster():
    theme = ThemeFactory(name="Avoin data")
    source = CampaignFactory(
        starts_on=START,
        grace_days=3,
        visit_definition="Tunti asiakkaan luona.",
        description="Johdon viesti.",
        min_minutes=45,
        remote_counts=True,
        weight_visit=Decimal("2"),
        weight_idea=Decimal("4"),
        weight_accepted=Decimal("1.5"),
        per_capita=False,
        min_unit_size=5,
        visit_target_per_unit=30,
        client_email_retention_days=200,
        ideas_published=True,
        is_current=True,
    )
    source.themes.add(theme)
    VisitFactory(campaign=source)
    RosterEntryFactory(campaign=source)

    clone = campaign_clone(
        source=source,
        name="Kylään 2027",
        slug="kylaan-2027",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 4, 11),
    )

    for field in [
        "grace_days",
        "visit_definition",
        "description",
        "min_minutes",
        "remote_counts",
        "weight_visit",
        "weight_idea",
        "weight_accepted",
        "per_capita",
        "min_unit_size",
        "visit_target_per_unit",
        "client_email_retention_days",
    ]:
        assert getattr(clone, field) == getattr(source, field), field
    assert not clone.ideas_published  # a new campaign has nothing to show yet
    assert (clone.name, clone.slug, clone.starts_on) == (
        "Kylään 2027",
        "kylaan-2027",
        dt.date(2027, 3, 1),
    )
    assert list(clone.themes.all()) == [theme]
    assert not clone.visits.exists()
    assert not clone.roster.exists()
    assert not clone.is_current
    source.refresh_from_db()
    assert source.is_current


def test_clone_needs_a_free_slug():
    source = CampaignFactory(slug="taken")
    with pytest.raises(ValidationError):
        campaign_clone(source=source, name="x", slug="taken", starts_on=START, ends_on=START)


def test_roster_take_adds_moves_and_removes_before_the_start():
    campaign = CampaignFactory(starts_on=START)
    unit_a, unit_b = UnitFactory(code="A"), UnitFactory(code="B")
    stays = StaffFactory(unit=unit_a)
    moved = StaffFactory(unit=unit_b, is_leadership=True)
    left = StaffFactory(unit=unit_a, is_active=False)
    StaffFactory(unit=None)  # no unit: not on any roster
    RosterEntryFactory(campaign=campaign, staff=stays, unit=unit_a)
    RosterEntryFactory(campaign=campaign, staff=moved, unit=unit_a, is_leadership=False)
    RosterEntryFactory(campaign=campaign, staff=left, unit=unit_a)
    newcomer = StaffFactory(unit=unit_b)

    change = roster_take(campaign=campaign, today=START - dt.timedelta(days=1))

    assert (change.added, change.moved, change.removed, change.unchanged) == (1, 1, 1, 1)
    roster = {
        e.staff_id: (e.unit_id, e.is_leadership)
        for e in RosterEntry.objects.filter(campaign=campaign)
    }
    assert roster == {
        stays.pk: (unit_a.pk, False),
        moved.pk: (unit_b.pk, True),
        newcomer.pk: (unit_b.pk, False),
    }
    again = roster_take(campaign=campaign, today=START - dt.timedelta(days=1))
    assert not again.changed


def test_roster_of_a_started_campaign_changes_only_when_confirmed():
    campaign = CampaignFactory(starts_on=START)
    person = StaffFactory(unit=UnitFactory(code="A"))
    RosterEntryFactory(campaign=campaign, staff=person)
    person.unit = UnitFactory(code="B")
    person.save()

    with pytest.raises(ValidationError):
        roster_take(campaign=campaign, today=START + dt.timedelta(days=3))
    assert RosterEntry.objects.get(campaign=campaign).unit.code == "A"

    roster_take(campaign=campaign, confirm_started=True, today=START + dt.timedelta(days=3))
    assert RosterEntry.objects.get(campaign=campaign).unit.code == "B"


def test_an_up_to_date_roster_of_a_started_campaign_needs_no_confirmation():
    campaign = CampaignFactory(starts_on=START)
    RosterEntryFactory(campaign=campaign, staff=StaffFactory(unit=UnitFactory(code="A")))

    change = roster_take(campaign=campaign, today=START + dt.timedelta(days=3))

    assert (change.added, change.moved, change.removed, change.unchanged) == (0, 0, 0, 1)
    assert not change.changed


def test_new_theme_names_are_created_once_and_added():
    existing = ThemeFactory(name="Avoin data", is_active=False)
    campaign = campaign_create(new_theme_names=["avoin data", "Tiedolla johtaminen"], **_settings())
    assert set(campaign.themes.values_list("name", flat=True)) == {
        "Avoin data",
        "Tiedolla johtaminen",
    }
    existing.refresh_from_db()
    assert existing.is_active

    campaign_update(campaign=campaign, new_theme_names=["Tilastot"])
    assert campaign.themes.count() == 3


def test_a_confirmed_roster_change_is_in_the_audit_log():
    campaign = CampaignFactory(starts_on=START)
    person = StaffFactory(unit=UnitFactory(code="A"))
    entry = RosterEntryFactory(campaign=campaign, staff=person)
    person.unit = UnitFactory(code="B")
    person.save()
    newcomer = StaffFactory(unit=person.unit)

    roster_take(campaign=campaign, confirm_started=True, today=START + dt.timedelta(days=3))

    assert LogEntry.objects.get_for_object(entry).filter(action=LogEntry.Action.UPDATE).exists()
    added = RosterEntry.objects.get(campaign=campaign, staff=newcomer)
    assert LogEntry.objects.get_for_object(added).filter(action=LogEntry.Action.CREATE).exists()


def test_create_without_a_short_name_makes_one_from_the_name():
    first = campaign_create(**_settings(name="Testi 2027 kevät", slug=""))
    second = campaign_create(**_settings(name="Testi 2027 kevät!", slug=""))
    third = campaign_create(**_settings(name="Testi: 2027 kevät", slug=""))
    assert [first.slug, second.slug, third.slug] == [
        "testi-2027-kevat",
        "testi-2027-kevat-2",
        "testi-2027-kevat-3",
    ]


def test_a_name_without_letters_still_gets_a_short_name():
    assert campaign_create(**_settings(name="!!!", slug="")).slug == "campaign"


def test_a_long_name_gets_a_short_name_that_fits():
    campaign = campaign_create(**_settings(name="Kylään " * 28, slug=""))
    assert len(campaign.slug) <= 80
    assert campaign.slug.startswith("kylaan-kylaan")


def test_clone_without_a_short_name_makes_one_from_the_name():
    source = CampaignFactory(slug="kylaan-2026")
    clone = campaign_clone(source=source, name="Kylään 2027", starts_on=START, ends_on=START)
    assert clone.slug == "kylaan-2027"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "proposed"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 4, 12), (dt.date(2027, 3, 2), dt.date(2027, 4, 12))),
        # A leap day was proposed unchanged, a year in the past, even after a shifted start.
        (dt.date(2028, 2, 1), dt.date(2028, 2, 29), (dt.date(2029, 2, 1), dt.date(2029, 2, 28))),
        (dt.date(2028, 2, 29), dt.date(2028, 4, 10), (dt.date(2029, 2, 28), dt.date(2029, 4, 10))),
    ],
)
def test_a_clone_is_proposed_the_same_days_a_year_later(starts_on, ends_on, proposed):
    source = CampaignFactory(starts_on=starts_on, ends_on=ends_on)
    assert campaign_clone_dates(source=source) == proposed


def _running(**overrides):
    today = dt.date.today()
    values = {
        "name": "Käynnissä",
        "is_current": True,
        "starts_on": today - dt.timedelta(days=10),
        "ends_on": today + dt.timedelta(days=10),
    }
    return CampaignFactory(**(values | overrides))


def test_making_another_campaign_current_while_one_runs_needs_confirmation():
    running = _running()
    with pytest.raises(ValidationError) as refused:
        campaign_create(make_current=True, **_settings())
    assert "ends logging for “Käynnissä”" in refused.value.message_dict["make_current"][0]
    assert not Campaign.objects.filter(slug="kylaan-2027").exists()

    upcoming = campaign_create(make_current=True, logging_end_confirmed=True, **_settings())
    running.refresh_from_db()
    assert upcoming.is_current
    assert not running.is_current


def test_a_campaign_in_its_grace_days_still_asks_and_a_closed_one_does_not():
    today = dt.date.today()
    in_grace = _running(starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(1))
    upcoming = CampaignFactory(name="Tuleva", starts_on=dt.date(2027, 3, 1))
    with pytest.raises(ValidationError):
        campaign_update(campaign=upcoming, make_current=True)
    in_grace.ends_on = today - dt.timedelta(days=in_grace.grace_days + 1)
    in_grace.save()
    campaign_update(campaign=upcoming, make_current=True)
    assert Campaign.objects.current() == upcoming


def test_keeping_the_running_campaign_current_asks_nothing():
    running = _running()
    campaign_update(campaign=running, make_current=True, description="Uusi viesti")
    running.refresh_from_db()
    assert running.is_current


def test_two_campaigns_cannot_share_a_name():
    CampaignFactory(name="Kylään 2027", slug="vanha")
    with pytest.raises(ValidationError) as refused:
        campaign_create(**_settings(name="kylään 2027"))
    assert "name" in refused.value.message_dict


def test_a_clone_is_proposed_a_name_no_campaign_has():
    source = CampaignFactory(name="Kylään")
    assert campaign_copy_name(source=source) == "Kylään (copy)"
    CampaignFactory(name="Kylään (copy)")
    CampaignFactory(name="Kylään (copy 2)")
    assert campaign_copy_name(source=source) == "Kylään (copy 3)"
