import datetime as dt
import re

from playwright.sync_api import expect

from campaign.models import Client, Staff
from campaign.selectors import campaign_current
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_accessibility import _violations as axe_violations
from visits.models import Visit
from visits.services import visit_update


def figures(page):
    page.goto("/")
    return {
        name: int(page.locator(f"[data-figure={name}]").inner_text().replace("\xa0", ""))
        for name in ("counted-visits", "ideas", "clients-reached")
    }


def test_staff_log_a_visit_on_a_phone_in_finnish(demo, phone_page):
    page = phone_page
    Client.objects.create(name="Testilän kunta", kind=Client.Kind.MUNICIPALITY, region="Kainuu")
    log_in(page, "demo-staff")
    before = figures(page)

    page.locator("main").get_by_role("link", name="Kirjaa käynti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaa käynti")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("Hae asiakasta").fill("Testilän")
    result = page.get_by_role("option", name=re.compile("Testilän kunta"))
    expect(result).to_contain_text("Kunta · Kainuu")
    result.click()
    expect(page.locator("#earlier-visits")).to_contain_text(
        "Tämän asiakkaan luona ei ole vielä käyty tämän kampanjan aikana."
    )

    page.get_by_role("combobox", name="Lisää muu osallistuja").fill("Matti Esim")
    page.get_by_role("option", name=re.compile("Matti Esimerkki")).click()
    expect(page.locator(".chips")).to_contain_text("Matti Esimerkki")

    page.get_by_label("Suurin osa ajasta käytettiin asiakkaan kuuntelemiseen.").check()
    page.get_by_label("Tapaamista ei olisi ollut ilman kampanjaa.").check()
    expect(page.locator("#verdict")).to_have_text(re.compile("Tämä käynti lasketaan kampanjaan."))
    page.get_by_role("textbox", name="Mitä opimme").fill("Tilastokuutiot ovat vaikeakäyttöisiä.")
    page.get_by_label("Idea muutamalla sanalla").fill("Neuvontapalvelu tilastojen käyttöön")
    page.get_by_label("Asiakkaan omin sanoin").fill("Yksi paikka, josta kysyä tilastoista.")
    page.get_by_role("button", name="Tallenna käynti").click()

    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Kiitos!")
    # The step taken: the unit's rank, and a way on to the next visit.
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"on sijalla \d+/\d+\."))
    expect(
        page.get_by_role("status").get_by_role("link", name="Kirjaa seuraava käynti")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Käynti: Testilän kunta")
    expect(page.locator("main")).to_contain_text("Matti Esimerkki")
    expect(page.locator("main")).to_contain_text("Neuvontapalvelu tilastojen käyttöön")
    visit = Visit.objects.get(client__name="Testilän kunta")
    assert {p.staff.username for p in visit.participations.all()} == {
        "demo-staff",
        "demo-manager",
    }
    assert visit.ideas.count() == 1

    page.locator("nav.main-nav").get_by_role("link", name="Käynnit").click()
    expect(page.locator("table.visit-table")).to_contain_text("Testilän kunta")

    after = figures(page)
    assert after["counted-visits"] == before["counted-visits"] + 1
    assert after["ideas"] == before["ideas"] + 1
    assert after["clients-reached"] == before["clients-reached"] + 1
    expect(page.locator(".visit-list")).to_contain_text("Testilän kunta")


def test_the_form_works_without_javascript(demo, browser, live_server):
    context = browser.new_context(
        locale="fi-FI", base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, "demo-staff")
        page.goto("/visits/new/")
        client = Client.objects.order_by("name").first()
        page.get_by_label("Hae asiakasta").fill(client.name)
        page.get_by_role("button", name="Tarkista, lasketaanko käynti").click()
        expect(page.locator("#id_client_id")).to_have_value(str(client.pk))
        expect(page.locator("#verdict")).to_contain_text("tavallista asiakastyötä")
        page.get_by_label("Suurin osa ajasta käytettiin asiakkaan kuuntelemiseen.").check()
        page.get_by_label("Tapaamista ei olisi ollut ilman kampanjaa.").check()
        page.get_by_label("Minuutit").fill("0")
        page.get_by_role("button", name="Tallenna käynti").click()
        expect(page.locator("main")).to_contain_text("Anna käynnin kesto minuutteina, 1–720.")
        page.get_by_label("Minuutit").fill("75")
        page.get_by_role("button", name="Tallenna käynti").click()
        expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
        expect(page.locator(".verdict")).to_contain_text("Tämä käynti lasketaan kampanjaan.")
    finally:
        context.close()


def test_the_visit_list_fits_a_phone_as_cards(demo, phone_page):
    page = phone_page
    log_in(page, "demo-staff")
    page.goto("/visits/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first_row = page.locator("table.visit-table tbody tr").first
    for label in ["Tila", "Lasketaan", "Osallistujat", "Ideat"]:
        cell = first_row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0, label
        assert box["x"] + box["width"] <= PHONE["width"], label
    # Still a table with column headers for screen readers.
    expect(page.get_by_role("columnheader", name="Tila")).to_have_count(1)


def test_the_client_search_results_close_on_escape_and_when_focus_moves_on(demo, page):
    log_in(page, "demo-staff")
    page.goto("/visits/new/")
    search = page.get_by_label("Hae asiakasta")
    results = page.locator("[data-client-picker] [role=option]")
    search.fill("kaupunki")
    expect(results.first).to_be_visible()
    search.press("Escape")
    expect(results.first).to_be_hidden()

    search.fill("kaupunk")
    expect(results.first).to_be_visible()
    page.get_by_label("Minuutit").focus()
    expect(results.first).to_be_hidden()

    search.fill("kaupunki")
    expect(results.first).to_be_visible()
    name = results.first.locator(".picker__name").inner_text()
    results.first.click()
    expect(results.first).to_be_hidden()
    expect(search).to_have_value(name)
    chosen = Client.objects.get(name=name)
    expect(page.locator("#id_client_id")).to_have_value(str(chosen.pk))


def test_no_client_found_leads_to_adding_one_and_a_similar_client_can_be_picked(demo, page):
    existing = Client.objects.order_by("name").first()
    log_in(page, "demo-staff")
    page.goto("/visits/new/")
    page.get_by_label("Hae asiakasta").fill("Olematon Oy")
    empty = page.locator("[data-client-picker] .picker__nothing")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("Asiakasta ei löytynyt")
    empty.get_by_role("button").click()
    name = page.get_by_label("Uuden asiakkaan nimi")
    expect(name).to_be_focused()
    expect(name).to_have_value("Olematon Oy")

    name.fill(existing.name.upper())
    choice = page.get_by_role("radio", name=re.compile(re.escape(existing.name)))
    expect(page.locator("#similar-clients")).to_contain_text("on jo asiakkaana")
    choice.click()
    expect(page.locator("#id_client_id")).to_have_value(str(existing.pk))
    expect(page.get_by_label("Hae asiakasta")).to_have_value(existing.name)
    expect(name).to_have_value("")
    expect(page.locator("details.new-client")).not_to_have_attribute("open", "")


def test_the_verdict_box_says_a_date_before_the_campaign_cannot_be_saved(demo, page):
    before = campaign_current().starts_on - dt.timedelta(days=5)
    log_in(page, "demo-staff")
    page.goto("/visits/new/")
    page.get_by_label("Päivämäärä").fill(before.isoformat())
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Käyntiä ei voi tallentaa tällaisenaan")
    expect(verdict).not_to_contain_text("asiakastyötä")


def test_an_edit_on_an_outdated_form_shows_what_changed_and_keeps_what_was_typed(demo, page):
    staff = Staff.objects.get(username="demo-staff")
    visit = Visit.objects.filter(created_by=staff, status=Visit.Status.DONE).order_by("pk").first()
    log_in(page, "demo-staff")
    page.goto(f"/visits/{visit.pk}/edit/")
    page.get_by_role("textbox", name="Mitä opimme").fill("Minun havaintoni käynniltä.")

    # Meanwhile a co-visitor's edit changes the minutes.
    visit_update(
        visit=Visit.objects.get(pk=visit.pk),
        updated_by=staff,
        client=visit.client,
        visited_on=visit.visited_on,
        minutes=visit.minutes + 15,
        is_remote=visit.is_remote,
        status=visit.status,
        listened_most=visit.listened_most,
        not_without_campaign=visit.not_without_campaign,
        notes=visit.notes,
        benefit_rating=visit.benefit_rating,
        co_visitors=[p.staff for p in visit.participations.all() if p.staff != staff],
    )
    page.get_by_role("button", name="Tallenna muutokset").click()

    expect(page.get_by_role("heading", name="Muuttui muokkauksesi aikana")).to_be_visible()
    changes = page.get_by_role("table", name="Mikä muuttui välillä")
    expect(changes.get_by_role("row", name=re.compile("Minuutit"))).to_contain_text(
        str(visit.minutes + 15)
    )
    expect(page.get_by_role("textbox", name="Mitä opimme")).to_have_value(
        "Minun havaintoni käynniltä."
    )
    expect(page.get_by_label("Minuutit")).to_have_value(str(visit.minutes + 15))
    assert Visit.objects.get(pk=visit.pk).notes == visit.notes
    assert not axe_violations(page, "the visit form refused as outdated")

    page.get_by_role("button", name="Tallenna muutokset").click()
    expect(page.get_by_role("status")).to_contain_text("Muutokset on tallennettu.")
    saved = Visit.objects.get(pk=visit.pk)
    assert (saved.notes, saved.minutes) == ("Minun havaintoni käynniltä.", visit.minutes + 15)


def test_a_client_and_a_co_visitor_are_searched_and_chosen_with_the_keyboard(demo, phone_page):
    """The pickers are ARIA comboboxes: arrow keys move through the options the search found,
    Enter chooses, and a live region says what happened; on a phone-sized screen."""
    page = phone_page
    Client.objects.create(name="Näppäilylän kunta", kind=Client.Kind.MUNICIPALITY, region="Lappi")
    Client.objects.create(name="Näppäilylän seurakunta", kind=Client.Kind.OTHER, region="Lappi")
    log_in(page, "demo-staff")
    page.goto("/visits/new/")

    box = page.get_by_role("combobox", name="Hae asiakasta")
    box.focus()
    page.keyboard.type("Näppäilylän")
    options = page.get_by_role("listbox", name="Löytyneet asiakkaat").get_by_role("option")
    expect(options).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-client-picker] [role=status]")).to_contain_text("Löytyi 2")
    assert not axe_violations(page, "the client combobox, open")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(box).to_have_value("Näppäilylän seurakunta")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_focused()
    expect(page.locator("[data-client-picker] [role=status]")).to_have_text(
        "Valittu: Näppäilylän seurakunta"
    )
    expect(page.locator("#earlier-visits")).to_contain_text("ei ole vielä käyty")

    co_visitor = page.get_by_role("combobox", name="Lisää muu osallistuja")
    co_visitor.focus()
    page.keyboard.type("Matti")
    expect(page.get_by_role("option", name=re.compile("Matti Esimerkki"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = page.get_by_role("list", name="Valitut muut osallistujat")
    expect(chosen.get_by_role("checkbox", name=re.compile("Matti Esimerkki"))).to_be_checked()
    expect(co_visitor).to_have_value("")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("Suurin osa ajasta käytettiin asiakkaan kuuntelemiseen.").check()
    page.get_by_label("Tapaamista ei olisi ollut ilman kampanjaa.").check()
    page.get_by_role("button", name="Tallenna käynti").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.get(client__name="Näppäilylän seurakunta")
    assert {p.staff.username for p in visit.participations.all()} == {
        "demo-staff",
        "demo-manager",
    }


def test_a_client_typed_in_before_the_script_has_loaded_is_still_searched_for(demo, phone_page):
    """On a slow connection one may type in the box before the form's script runs: it searches
    for what is there once it does."""
    page = phone_page
    Client.objects.create(name="Testilän kunta", kind=Client.Kind.MUNICIPALITY, region="Kainuu")
    log_in(page, "demo-staff")
    page.route(re.compile(r"/js/visits[.\w]*\.js$"), lambda route: route.abort())
    page.goto("/visits/new/")
    page.get_by_label("Hae asiakasta").fill("Testilän")
    found = page.get_by_role("option", name=re.compile("Testilän kunta"))
    expect(found).to_have_count(0)

    page.unroute(re.compile(r"/js/visits[.\w]*\.js$"))
    page.add_script_tag(url=page.locator("script[src*='/js/visits']").get_attribute("src"))

    found.click()
    expect(page.locator("#earlier-visits")).to_contain_text(
        "Tämän asiakkaan luona ei ole vielä käyty tämän kampanjan aikana."
    )
