"""The challenge between organisations in a browser: a staff member compares the organisations on
a phone in Finnish; a coordinator publishes the campaign and follows another organisation; the
invitation opens without logging in."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.roles import COORDINATORS, STAFF
from challenge.models import FetchProblem, Peer, Publication
from challenge.services import campaign_publish
from tests.browser.conftest import log_in
from tests.challenge.samples import as_bytes, peer_payload
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)

PASSWORD = "secret-pass-123"


@pytest.fixture
def ours(transactional_db):
    today = timezone.localdate()
    campaign = CampaignFactory(
        name="Sopiiko tulla kylään?",
        slug="kylaan-kevat",
        is_current=True,
        starts_on=today - dt.timedelta(days=12),
    )
    unit = UnitFactory(name="Tilastot", code="TIL")
    people = [StaffFactory(username=f"c-staff-{n}", unit=unit, role=STAFF) for n in range(4)]
    for n, person in enumerate(people):
        RosterEntryFactory(campaign=campaign, staff=person)
        visit = VisitFactory(
            campaign=campaign, created_by=person, visited_on=campaign.starts_on + dt.timedelta(n)
        )
        if n % 2:
            IdeaFactory(visit=visit)
    return campaign


def test_staff_compare_the_organisations_on_a_phone(ours, phone_page):
    campaign_publish(campaign=ours)
    Peer.objects.create(
        feed_url="https://kylaan.esimerkki.invalid/challenge/kevat/feed.json",
        payload=peer_payload(organisation="Esimerkkivirasto", starts_on=ours.starts_on),
        fetched_at=timezone.now() - dt.timedelta(hours=3),
        attempted_at=timezone.now(),
        problem=FetchProblem.TIMEOUT,
    )
    page = phone_page
    log_in(page, "c-staff-0", PASSWORD)

    page.get_by_role("link", name="Haaste", exact=True).click()

    expect(page).to_have_url(re.compile(r"/challenge/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kuka kysyy seuraavaksi? Organisaatioiden välinen haaste"
    )
    rows = page.locator("table.challenge-table tbody tr")
    expect(rows).to_have_count(2)
    mine = page.locator("table.challenge-table tr.is-mine")
    expect(mine.get_by_text("Oma organisaatio")).to_be_visible()
    # 4 visits + 3 × 2 ideas per 10 of 4 on the roster: 25.00 points, ahead of the agency's 3.05.
    expect(mine.locator("td[data-column=score]")).to_have_text("25,00")
    expect(rows.nth(1).locator("th")).to_have_text("Esimerkkivirasto")
    expect(rows.nth(1).locator("td[data-column=updated]")).to_contain_text("ei päivittynyt")
    expect(page.get_by_text("palvelin ei vastannut ajoissa")).to_be_visible()
    # The page fits the phone; the wide table scrolls inside its own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("svg[role=img]")).to_be_visible()
    page.get_by_text("Kaavion luvut taulukkona").click()
    table = page.locator("#challenge-chart-table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(
        ["Kampanjan päivä", "1. Kylään", "2. Esimerkkivirasto"]
    )
    expect(table.locator("tbody tr").first.locator("td")).to_have_text(["1", "3"])


def test_a_coordinator_publishes_and_follows_another_organisation(ours, page, feed_server):
    StaffFactory(username="c-coordinator", role=COORDINATORS)
    feed_server.feeds["/challenge/kevat/feed.json"] = as_bytes(
        peer_payload(organisation="Naapurivirasto")
    )
    log_in(page, "c-coordinator", PASSWORD)
    page.goto("/challenge/")
    expect(page.get_by_test_id("not-published")).to_be_visible()

    page.get_by_role("link", name="Julkaisu ja seuratut organisaatiot").click()
    page.get_by_role("button", name="Julkaise Sopiiko tulla kylään?").click()
    expect(page.get_by_role("status")).to_contain_text("on nyt julkaistu haasteeseen")
    assert Publication.objects.filter(campaign=ours).exists()
    feed_link = page.locator('a[href$="/challenge/kylaan-kevat/feed.json"]')
    expect(feed_link).to_be_visible()

    address = page.get_by_label("Syötteen osoite")
    address.fill("kylaan.naapuri.invalid/feed.json")
    page.get_by_role("button", name="Seuraa", exact=True).click()
    expect(page.locator("#id_feed_url_error")).to_contain_text("Syötä oikea URL-osoite")
    expect(address).to_have_value("kylaan.naapuri.invalid/feed.json")
    address.fill(feed_server.at("/challenge/kevat/feed.json"))
    page.get_by_role("button", name="Seuraa", exact=True).click()
    page.get_by_role("button", name="Hae kaikki syötteet nyt").click()
    expect(page.locator("table").nth(1)).to_contain_text("Naapurivirasto")

    page.get_by_role("link", name="Haaste", exact=True).click()
    expect(page.locator("table.challenge-table tbody tr")).to_have_count(2)
    expect(page.locator("table.challenge-table")).to_contain_text("Naapurivirasto")


def test_the_invitation_opens_without_logging_in(ours, page, live_server, settings):
    settings.SITE_URL = live_server.url
    campaign_publish(campaign=ours)

    page.goto("/challenge/join/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kuka kysyy seuraavaksi? Ota haaste vastaan"
    )
    expect(page.locator("[data-feed-url]")).to_have_text(
        re.compile(r"^http://localhost:\d+/challenge/kylaan-kevat/feed\.json$")
    )
