"""A unit manager's journey: their front page tells who in the unit has not visited yet, then
they turn a kind of mail off, and a staff member subscribes to their planned visits' calendar."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from campaign.models import Campaign, RosterEntry, Staff
from notifications.models import NotificationKind, NotificationOptOut
from notifications.selectors import unit_overview
from tests.browser.conftest import log_in
from visits.models import CalendarFeed


def test_a_manager_sees_who_has_not_visited_and_chooses_their_mails(demo, page):
    manager = Staff.objects.get(username="demo-manager")
    campaign = Campaign.objects.current()
    expected = unit_overview(campaign=campaign, unit=manager.unit)
    roster = RosterEntry.objects.filter(campaign=campaign, unit=manager.unit).count()
    assert 0 < len(expected.not_visited) < roster

    log_in(page, "demo-manager")
    overview = page.locator("[data-unit-overview]")
    expect(overview.get_by_role("heading", level=2)).to_have_text(
        f"Oma yksikkö: {manager.unit.name}"
    )
    waiting = overview.locator("[data-not-visited] li")
    expect(waiting).to_have_count(len(expected.not_visited))
    assert set(waiting.all_inner_texts()) == {str(m.staff) for m in expected.not_visited}
    expect(overview.locator("[data-figure=unit-visitors]")).to_have_text(
        f"{len(expected.visited)} / {roster}"
    )

    page.locator(".main-nav").get_by_role("link", name="Viestiasetukset").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Viestiasetukset")
    digest = page.get_by_label("Viikoittainen kooste yksiköstäni")
    expect(digest).to_be_checked()
    digest.uncheck()
    page.get_by_role("button", name="Tallenna viestiasetukset").click()
    expect(page.get_by_role("status")).to_contain_text("Viestiasetuksesi tallennettiin.")
    expect(page.get_by_label("Viikoittainen kooste yksiköstäni")).not_to_be_checked()
    assert set(NotificationOptOut.objects.filter(staff=manager).values_list("kind", flat=True)) == {
        NotificationKind.DIGEST
    }


def test_a_staff_member_makes_and_renews_their_calendar_address(demo, phone_page):
    page = phone_page
    log_in(page, "demo-staff")
    page.goto("/visits/")
    page.get_by_role("button", name="Luo kalenteriosoitteeni").click()
    address = page.get_by_label("Kalenterisi osoite")
    expect(address).to_have_value(re.compile(r"/visits/calendar/[\w-]+\.ics$"))
    # The address starts with SITE_URL; the test's server is elsewhere, so ask for its path.
    first = urlsplit(address.input_value()).path
    feed = page.request.get(first)
    assert feed.status == 200
    assert feed.text().count("BEGIN:VEVENT") >= 1

    page.get_by_role("button", name="Uusi osoite").click()
    expect(page.locator(".messages")).to_contain_text("Kalenterillasi on uusi osoite.")
    renewed = urlsplit(page.get_by_label("Kalenterisi osoite").input_value()).path
    assert renewed != first
    assert renewed.endswith(CalendarFeed.objects.get(staff__username="demo-staff").token + ".ics")
    assert page.request.get(first).status == 404
