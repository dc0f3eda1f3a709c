"""Planned visits as iCalendar (RFC 5545), for a person's calendar feed and for downloading one
visit. A visit has a day but no time, so each is an all-day event on that day; its UID stays the
same whatever changes, so a calendar program updates the event instead of adding another."""

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from campaign.mail import site_link
from visits.models import Visit

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _event(visit: Visit, stamp) -> Event:
    event = Event()
    event.add("uid", f"kylaan-visit-{visit.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", stamp)
    event.add("last-modified", visit.updated_at)
    event.add("dtstart", visit.visited_on)
    event.add("dtend", visit.visited_on + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", _("Client visit: %(client)s") % {"client": visit.client.name})
    if visit.client.region:
        event.add("location", f"{visit.client.name}, {visit.client.region}")
    link = site_link(visit.get_absolute_url())
    people = ", ".join(str(p.staff) for p in visit.participations.all())
    lines = [
        visit.campaign.name,
        ngettext("%(minutes)s minute", "%(minutes)s minutes", visit.minutes)
        % {"minutes": visit.minutes},
        _("Visitors: %(people)s") % {"people": people} if people else "",
        _("After the visit, mark it done and note the client's ideas: %(link)s") % {"link": link},
    ]
    event.add("description", "\n".join(line for line in lines if line))
    event.add("url", link)
    return event


def visits_calendar(visits: Iterable[Visit], *, name: str) -> bytes:
    """The visits (with client, campaign and participants loaded) as one calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kylään//Client visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for visit in visits:
        calendar.add_component(_event(visit, stamp))
    return calendar.to_ical()
