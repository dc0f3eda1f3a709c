import re

from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import Campaign, Client, Staff
from demo.seed import CURRENT_SLUG
from tests.browser.conftest import log_in
from tests.factories import VisitFactory


def _numbers(page, column: str) -> list[float]:
    texts = page.locator(f"table.leaderboard-table td[data-column={column}]").all_inner_texts()
    return [float(text.replace(",", ".")) for text in texts if text.strip() != "–"]


def test_manager_finds_their_unit_sorts_by_idea_yield_and_sees_a_new_visit_count(demo, page):
    log_in(page, "demo-manager")
    page.get_by_role("link", name="Tulostaulu", exact=True).click()
    expect(page).to_have_url(re.compile(r"/leaderboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tulostaulu")

    mine = page.locator("table.leaderboard-table tr.is-mine")
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-unit", "TH-TE")
    expect(mine.get_by_text("Oma yksikkösi")).to_be_visible()
    visits_before = int(mine.locator("td[data-column=visits]").inner_text())

    # A figure sorts largest first on the first click, and the other way on the second.
    page.get_by_role("link", name="Ideatuotto", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=-idea_yield"))
    expect(page.locator("th[data-column=idea_yield]")).to_have_attribute("aria-sort", "descending")
    yields = _numbers(page, "idea_yield")
    assert yields == sorted(yields, reverse=True)
    assert len(yields) > 3
    page.get_by_role("link", name="Ideatuotto", exact=True).click()
    expect(page.locator("th[data-column=idea_yield]")).to_have_attribute("aria-sort", "ascending")
    assert _numbers(page, "idea_yield") == sorted(yields)
    page.get_by_role("link", name="Ideatuotto", exact=True).click()
    expect(page.locator("th[data-column=idea_yield]")).to_have_attribute("aria-sort", "descending")

    # demo-staff, of the same unit, logs a counted visit (the visit form is another page's).
    campaign = Campaign.objects.get(slug=CURRENT_SLUG)
    demo_staff = Staff.objects.get(username="demo-staff")
    VisitFactory(
        campaign=campaign,
        client=Client.objects.order_by("pk").first(),
        created_by=demo_staff,
        visited_on=timezone.localdate(),
    )

    page.reload()
    mine = page.locator("table.leaderboard-table tr.is-mine")
    expect(mine.locator("td[data-column=visits]")).to_have_text(str(visits_before + 1))
    expect(page.locator("th[data-column=idea_yield]")).to_have_attribute("aria-sort", "descending")
