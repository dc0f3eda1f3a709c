"""A coordinator's journey through the ideas: filter by theme, triage one, download the list."""

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from campaign.models import Campaign, Theme, Unit
from ideas.models import Idea
from tests.browser.conftest import log_in

THEME = "Tilastot ja avoin data"
RESPONSE = "Kiitos! Selvitämme avoimen datan julkaisun kuntatasolla."


def test_coordinator_filters_triages_and_downloads_the_ideas(demo, page, tmp_path):
    log_in(page, "demo-coordinator")
    page.locator(".main-nav").get_by_role("link", name="Ideat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kehittämisideat")

    page.get_by_text("Rajaa ideoita", exact=True).click()
    page.get_by_label("Teema").select_option(label=THEME)
    page.get_by_role("button", name="Rajaa", exact=True).click()
    expect(page).to_have_url(re.compile(r"theme=\d+"))
    filtered_url = page.url

    theme = Theme.objects.get(name=THEME)
    campaign = Campaign.objects.current()
    expected = set(
        Idea.objects.filter(theme=theme, visit__campaign=campaign).values_list("pk", flat=True)
    )
    rows = page.locator("table.table--ideas tbody tr")
    expect(rows).to_have_count(len(expected))
    theme_cells = page.locator("table.table--ideas tbody tr td:nth-child(6)")
    assert set(theme_cells.all_inner_texts()) == {THEME}

    new_row = rows.filter(has=page.locator("[class~='badge--idea-new']")).first
    idea_id = int(new_row.locator("td").first.inner_text())
    new_row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea_id}/$"))

    owner = Unit.objects.filter(parent__isnull=False).order_by("name").last()
    page.get_by_label("Vastuuyksikkö").select_option(label=owner.name)
    page.get_by_label(re.compile(r"^Tila")).select_option(label="Käsittelyssä")
    page.get_by_label("Virallinen vastaus").fill(RESPONSE)
    page.get_by_role("button", name="Tallenna käsittely").click()

    expect(page.get_by_role("status")).to_contain_text("Idea tallennettiin.")
    expect(page.locator("[data-idea-status]")).to_have_text("Käsittelyssä")
    expect(page.locator("[data-idea-owner]")).to_have_text(owner.name)
    history = page.locator(".history__item").first
    expect(history).to_contain_text("Kaija Esimerkki")
    expect(history).to_contain_text("Tila: Uusi → Käsittelyssä")

    page.goto(filtered_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path).active
    header, *rows_in_file = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Idean numero"
    assert {row[0] for row in rows_in_file} == expected
    assert len(rows_in_file) == len(expected)
    triaged = next(row for row in rows_in_file if row[0] == idea_id)
    assert triaged[9] == THEME
    assert triaged[12:15] == ("Käsittelyssä", owner.name, RESPONSE)


def test_a_long_unbroken_title_wraps_instead_of_widening_the_list(demo, page):
    idea = Idea.objects.filter(visit__campaign=Campaign.objects.current()).order_by("-pk").first()
    idea.title = "x" * 200
    idea.save(update_fields=["title"])
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "demo-coordinator")
    page.goto("/ideas/")
    expect(page.get_by_role("link", name="x" * 200)).to_be_visible()
    table_width = page.locator("table.table--ideas").evaluate("t => t.scrollWidth")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert table_width <= 1280
    assert page_width <= 1280
