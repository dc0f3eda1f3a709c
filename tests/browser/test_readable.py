"""Readable on every screen, in Finnish: the pages issue 17 changed fit 320, 390 and 1280 px with
no column off-screen and no name cut off, the phone header is compact, and the demo report
prints on at most four A4 pages. And the journeys it added: correcting and withdrawing an idea,
and marking a duplicate from the suggestions."""

import re

from playwright.sync_api import expect

from campaign.models import Campaign, Staff
from demo.seed import CURRENT_SLUG
from ideas.models import Idea
from tests.browser.conftest import log_in
from tests.factories import IdeaFactory
from visits.models import Visit

WIDTHS = (320, 390, 1280)
# The phone header was 310 px tall at 320 px and 262 px at 390 px; now the brand and at most two
# rows of links (the mail settings are in the footer on a phone).
HEADER_AT_MOST = {320: 170, 390: 145}
A4_PAGES_AT_MOST = 4


def _overflowing_names(page) -> list[str]:
    """Unit names in the standings whose text does not fit its cell."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.leaderboard-table tbody th[data-column=unit]')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
            .map(cell => cell.innerText)"""
    )


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_changed_pages_fit_every_screen_and_the_report_prints_on_a4(demo, browser, live_server):
    campaign = Campaign.objects.get(slug=CURRENT_SLUG)
    idea = Idea.objects.filter(visit__campaign=campaign, title="Rajapinta tilastotietoihin").first()
    pages = [
        "/",
        "/leaderboard/",
        "/leaderboard/?figures=all",
        "/leaderboard/?level=departments",
        f"/campaigns/{campaign.slug}/report/",
        f"/ideas/{idea.pk}/",
        f"/ideas/{idea.pk}/edit/",
        f"/visits/{idea.visit_id}/",
    ]
    for width in WIDTHS:
        context = browser.new_context(
            locale="fi-FI", base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        if width in HEADER_AT_MOST:
            # A staff member's header, the one most people see.
            log_in(page, "demo-staff")
            height = page.locator(".site-header").bounding_box()["height"]
            assert height <= HEADER_AT_MOST[width], f"header {height} px at {width} px"
            page.locator("nav.main-nav").get_by_role("button", name="Kirjaudu ulos").click()
        log_in(page, "demo-coordinator")
        for path in pages:
            page.goto(path)
            where = f"{path} at {width} px"
            assert page.evaluate("document.documentElement.scrollWidth") <= width, where
            if path.startswith("/leaderboard/"):
                table = page.locator("table.leaderboard-table")
                fits = table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
                assert fits, where
                assert _overflowing_names(page) == [], where
                first = page.locator(".leaderboard-table tbody tr").first
                for column in ("rank", "score", "visits", "participation", "ideas"):
                    expect(first.locator(f"[data-column={column}]")).to_be_visible()
                expect(first.locator("[data-column=unit]")).to_be_visible()
        context.close()

    # The report: a print button where a script runs, and at most four A4 pages.
    context = browser.new_context(locale="fi-FI", base_url=live_server.url)
    page = context.new_page()
    log_in(page, "demo-coordinator")
    page.goto(f"/campaigns/{campaign.slug}/report/")
    expect(page.get_by_role("button", name="Tulosta")).to_be_visible()
    expect(page.locator("[data-report-date]")).to_contain_text("Tilanne")
    pages_printed = _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert 1 <= pages_printed <= A4_PAGES_AT_MOST
    context.close()


def test_staff_correct_and_withdraw_an_idea_and_a_coordinator_marks_a_duplicate(demo, page):
    campaign = Campaign.objects.get(slug=CURRENT_SLUG)
    staff = Staff.objects.get(username="demo-staff")
    visit = Visit.objects.in_campaign(campaign).counted().filter(created_by=staff).first()
    own = IdeaFactory(visit=visit, title="Neuvontapalvelu", text="Soitin Maija M:lle.")
    log_in(page, "demo-staff")
    page.goto("/")
    ideas_before = int(page.locator("[data-figure=ideas]").inner_text().replace("\xa0", ""))

    page.goto(f"/ideas/{own.pk}/")
    page.get_by_role("link", name="Korjaa idea").click()
    page.get_by_label("Idea muutamalla sanalla").fill("Yksi neuvontapiste tilastoille")
    page.get_by_label("Aiemmassa tekstissä oli henkilötietoja").check()
    page.get_by_role("button", name="Tallenna korjaus").click()
    expect(page.get_by_role("status")).to_contain_text("Idea on korjattu.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Yksi neuvontapiste tilastoille")

    page.get_by_role("link", name="Peru idea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perutaanko idea?")
    page.get_by_role("button", name="Peru idea").click()
    expect(page.get_by_role("status")).to_contain_text("Idea on peruttu.")
    expect(page.locator("[data-idea-withdrawn]")).to_have_text("Peruttu")
    page.goto("/ideas/")
    expect(page.locator("main")).not_to_contain_text("Yksi neuvontapiste tilastoille")
    page.goto("/")
    expect(page.locator("[data-figure=ideas]")).to_have_text(str(ideas_before - 1))

    page.locator("nav.main-nav").get_by_role("button", name="Kirjaudu ulos").click()
    log_in(page, "demo-coordinator")
    copies = Idea.objects.filter(visit__campaign=campaign, title="Rajapinta tilastotietoihin")
    original, copy = copies.order_by("pk")[:2]
    page.goto(f"/ideas/{copy.pk}/")
    suggestions = page.locator("[data-similar-ideas]")
    expect(suggestions).to_contain_text(f"Idea {original.pk}: Rajapinta tilastotietoihin")
    suggestions.get_by_role(
        "button", name=f"Merkitse idean {original.pk} kaksoiskappaleeksi"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("kaksoiskappaleeksi")
    expect(page.locator("[data-idea-status]")).to_have_text("Kaksoiskappale")
