"""The personal calendar feed of planned visits and the single visit's calendar file."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import VisitFactory
from visits.models import CalendarFeed, Visit
from visits.services import calendar_feed_renew

pytestmark = pytest.mark.django_db


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def plans(running, visitor, colleague, today):
    planned = [
        VisitFactory(
            campaign=running,
            created_by=visitor,
            status=Visit.Status.PLANNED,
            visited_on=today + dt.timedelta(days=n),
        )
        for n in (2, 5)
    ]
    joint = VisitFactory(
        campaign=running,
        created_by=colleague,
        participants=[colleague, visitor],
        status=Visit.Status.PLANNED,
        visited_on=today + dt.timedelta(days=3),
    )
    VisitFactory(campaign=running, created_by=visitor)  # done: not in the calendar
    VisitFactory(  # someone else's plan
        campaign=running,
        created_by=colleague,
        status=Visit.Status.PLANNED,
        visited_on=today + dt.timedelta(days=4),
    )
    return [*planned, joint]


def test_the_feed_has_one_event_per_planned_visit_of_mine(client, visitor, plans, settings):
    settings.SITE_URL = "https://kylaan.example.org"
    feed = calendar_feed_renew(staff=visitor)
    found = events(client.get(reverse("visits:calendar_feed", args=[feed.token])))
    assert sorted(str(e["UID"]) for e in found) == sorted(
        f"kylaan-visit-{v.pk}@kylaan.example.org" for v in plans
    )
    by_uid = {str(e["UID"]): e for e in found}
    first = by_uid[f"kylaan-visit-{plans[0].pk}@kylaan.example.org"]
    assert first.decoded("DTSTART") == plans[0].visited_on
    assert first.decoded("DTEND") == plans[0].visited_on + dt.timedelta(days=1)
    assert plans[0].client.name in str(first["SUMMARY"])
    assert str(first["URL"]) == f"https://kylaan.example.org/visits/{plans[0].pk}/"


def test_the_feed_is_in_its_owners_language(client, visitor, plans):
    visitor.language = "sv"
    visitor.save()
    feed = calendar_feed_renew(staff=visitor)
    found = events(client.get(reverse("visits:calendar_feed", args=[feed.token])))
    assert all(str(e["SUMMARY"]).startswith("Kundbesök") for e in found)


def test_a_feed_shows_only_its_owners_visits_whoever_asks(client, visitor, colleague, plans):
    mine = calendar_feed_renew(staff=colleague)
    client.force_login(visitor)
    found = events(client.get(reverse("visits:calendar_feed", args=[mine.token])))
    assert len(found) == 2  # the colleague's own plan and the joint one


def test_renewing_the_address_stops_the_old_one(client, visitor, plans):
    old = calendar_feed_renew(staff=visitor).token
    new = calendar_feed_renew(staff=visitor).token
    assert old != new
    assert client.get(reverse("visits:calendar_feed", args=[old])).status_code == 404
    assert len(events(client.get(reverse("visits:calendar_feed", args=[new])))) == 3


@pytest.mark.parametrize("token", ["", "x", "a" * 100])
def test_an_unknown_token_is_not_found(client, visitor, token):
    calendar_feed_renew(staff=visitor)
    assert client.get(f"/visits/calendar/{token}.ics").status_code == 404


def test_a_deactivated_persons_feed_stops(client, visitor, plans):
    feed = calendar_feed_renew(staff=visitor)
    visitor.is_active = False
    visitor.save()
    assert client.get(reverse("visits:calendar_feed", args=[feed.token])).status_code == 404


def test_the_visit_list_offers_to_make_then_to_renew_the_address(client, visitor, running):
    client.force_login(visitor)
    page = client.get(reverse("visits:list"))
    assert page.context["calendar_address"] is None
    response = client.post(reverse("visits:calendar_renew"))
    assert response.status_code == 302
    token = CalendarFeed.objects.get(staff=visitor).token
    page = client.get(reverse("visits:list"))
    assert page.context["calendar_address"].endswith(f"/visits/calendar/{token}.ics")
    assert page.context["calendar_address"] in page.content.decode()
    client.post(reverse("visits:calendar_renew"))
    assert CalendarFeed.objects.get(staff=visitor).token != token


def test_renewing_is_a_post(client, visitor):
    client.force_login(visitor)
    assert client.get(reverse("visits:calendar_renew")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_one_planned_visit_downloads_as_a_calendar_file(client, visitor, plans):
    client.force_login(visitor)
    response = client.get(reverse("visits:calendar", args=[plans[0].pk]))
    assert (
        response["Content-Disposition"] == f'attachment; filename="kylaan-visit-{plans[0].pk}.ics"'
    )
    (event,) = events(response)
    assert event.decoded("DTSTART") == plans[0].visited_on
    detail = client.get(reverse("visits:detail", args=[plans[0].pk])).content.decode()
    assert reverse("visits:calendar", args=[plans[0].pk]) in detail


def test_another_persons_visit_cannot_be_downloaded(client, outsider, plans):
    client.force_login(outsider)
    assert client.get(reverse("visits:calendar", args=[plans[0].pk])).status_code == 404
