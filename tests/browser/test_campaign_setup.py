"""A coordinator clones the demo campaign, imports a small staff file and opens the report."""

import re
from pathlib import Path

from playwright.sync_api import expect

from campaign.models import Campaign, Staff
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import _violations as axe_violations
from tests.factories import CampaignFactory

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_coordinator_clones_imports_and_opens_the_report(demo, page):
    log_in(page, "demo-coordinator")
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Kampanjat").click()
    expect(page.get_by_role("heading", level=1, name="Kampanjat")).to_be_visible()

    # Clone the running demo campaign for next year.
    page.get_by_role("link", name=re.compile(r"^Kopioi\W+Sopiiko tulla kylään\?$")).click()
    page.get_by_label("Nimi:", exact=True).fill("Sopiiko tulla kylään? 2027")
    page.get_by_label("Lyhyt nimi osoitteissa:").fill("kylaan-2027")
    page.get_by_role("button", name="Luo kopio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kampanjan Sopiiko tulla kylään? 2027 asetukset"
    )
    expect(page.get_by_text("luotiin kampanjasta")).to_be_visible()
    clone = Campaign.objects.get(slug="kylaan-2027")
    assert clone.themes.count() == Campaign.objects.get(slug="kylaan-demo").themes.count()
    assert not clone.visits.exists()

    # Import a small staff file: dry run first, then confirm.
    page.goto("/campaigns/")
    page.get_by_role("link", name="Tuo yksiköt, henkilöstö tai asiakkaat").click()
    page.get_by_label("Tiedostossa on:").select_option(label="Henkilöstö")
    page.get_by_label("Tiedosto:", exact=True).set_input_files(EXAMPLES / "henkilosto.csv")
    page.get_by_role("button", name="Tarkista tiedosto").click()
    expect(
        page.get_by_role("heading", name=re.compile("Koeajo tiedostosta henkilosto.csv"))
    ).to_be_visible()
    expect(page.locator('[data-count="create"]')).to_have_text("2")
    expect(page.locator('table[data-table="plan"] tbody tr')).to_have_count(2)
    assert not Staff.objects.filter(username="vaino.malli").exists()
    page.get_by_role("button", name="Tuo", exact=True).click()
    expect(page.get_by_text("Tuotu henkilosto.csv: 2 luotu")).to_be_visible()
    imported = Staff.objects.get(username="vaino.malli")
    assert imported.unit.code == "TT-TR"
    assert imported.is_leadership

    # The report of the running campaign, compared with the previous one.
    page.goto("/campaigns/")
    page.get_by_role("link", name=re.compile(r"^Raportti\W+Sopiiko tulla kylään\?$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kampanjaraportti: Sopiiko tulla kylään?"
    )
    expect(
        page.get_by_role("heading", name="Vertailu: Sopiiko tulla kylään? (edellinen)")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Pääluvut rinnakkain")).to_be_visible()
    # The demo campaign is still running, so its standings are not final yet.
    expect(page.get_by_role("heading", name=re.compile(r"^Tulostaulun tilanne "))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa Excel-tiedostona (XLSX)").click()
    assert download.value.suggested_filename == "kylaan-demo-report.xlsx"


def test_making_next_campaign_current_asks_first_while_the_demo_campaign_runs(demo, page):
    running = Campaign.objects.get(slug="kylaan-demo")
    upcoming = CampaignFactory(
        name="Sopiiko tulla kylään? 2027",
        slug="kylaan-2027",
        starts_on=running.starts_on.replace(year=running.starts_on.year + 1),
        ends_on=running.ends_on.replace(year=running.ends_on.year + 1),
    )
    log_in(page, "demo-coordinator")
    page.goto(f"/campaigns/{upcoming.slug}/edit/")
    page.get_by_label("Nykyinen kampanja").check()
    page.get_by_role("button", name="Tallenna", exact=True).click()

    summary = page.get_by_role("alert").filter(has_text="Korjaa seuraavat kohdat:")
    expect(summary).to_contain_text("käyntien kirjaaminen päättyy")
    running.refresh_from_db()
    assert running.is_current
    confirm = page.get_by_label(re.compile(r"^Kyllä, tee tästä kampanjasta nykyinen"))
    expect(page.get_by_label("Nykyinen kampanja")).to_be_checked()
    assert not axe_violations(page, "making a campaign current, asked to confirm")
    confirm.check()
    page.get_by_role("button", name="Tallenna", exact=True).click()

    expect(page.get_by_text("Kampanjan asetukset tallennettiin.")).to_be_visible()
    assert Campaign.objects.current() == upcoming
