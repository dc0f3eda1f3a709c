"""The client's journey: the visitor shows the feedback link, the client answers on a phone in
Finnish without logging in, and the visitor sees the answer on the visit page."""

import datetime as dt

from playwright.sync_api import expect

from campaign.roles import STAFF
from tests.browser.conftest import DEMO_PASSWORD, PHONE, log_in
from tests.browser.test_accessibility import _violations as axe_violations
from tests.factories import CampaignFactory, StaffFactory, VisitFactory
from visits.models import ClientFeedback


def test_the_client_answers_on_a_phone_and_the_visitor_sees_it(
    transactional_db, browser, live_server, page
):
    today = dt.date.today()
    campaign = CampaignFactory(
        is_current=True,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5),
    )
    visitor = StaffFactory(username="kavija", first_name="Kaisa", role=STAFF)
    visitor.set_password(DEMO_PASSWORD)
    visitor.save()
    visit = VisitFactory(campaign=campaign, created_by=visitor, visited_on=today)

    # The visitor opens the visit and finds the link and its code.
    log_in(page, "kavija")
    page.goto(visit.get_absolute_url())
    link = page.get_by_label("Asiakkaan palautelinkki").input_value()
    expect(page.locator("svg.qr-code")).to_be_visible()
    expect(page.locator("svg.qr-code title")).to_have_text("Asiakkaan palautelinkin QR-koodi")
    assert link.endswith(f"/feedback/{visit.feedback_token}/")

    # The client, on their own phone, with no login.
    phone = browser.new_context(
        locale="fi-FI", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    client = phone.new_page()
    client.set_default_timeout(10_000)
    client.goto(link)
    expect(client.get_by_role("heading", level=1)).to_have_text("Miten hyödyllinen käyntimme oli?")
    expect(client.locator("html")).to_have_attribute("lang", "fi")
    assert client.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(client, "feedback form") == []

    client.get_by_role("button", name="Lähetä vastaus").click()  # nothing chosen yet
    expect(client.get_by_role("alert")).to_contain_text("Valitse, miten hyödyllinen käynti oli")
    assert not ClientFeedback.objects.exists()

    client.get_by_label("4", exact=True).check()
    client.get_by_label("Mitä meidän kannattaisi tehdä seuraavaksi?").fill(
        "Lisää <b>koulutusta</b> tietokannoista."
    )
    client.get_by_label("Kyllä, kertokaa minulle sähköpostilla").check()
    client.get_by_label("Sähköpostiosoite").fill("asiakas@kunta.example")
    client.get_by_role("button", name="Lähetä vastaus").click()
    expect(client.locator(".messages")).to_contain_text("Kiitos vastauksestasi!")
    expect(client.locator(".notice")).to_contain_text("Voit muuttaa vastaustasi")
    assert client.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    # The visitor sees the answer, its text as written, and no address.
    page.reload()
    expect(page.locator("[data-figure=client-benefit]")).to_have_text("4 / 5")
    expect(page.locator("[data-figure=client-next-steps]")).to_have_text(
        "Lisää <b>koulutusta</b> tietokannoista."
    )
    expect(page.locator("main")).not_to_contain_text("asiakas@kunta.example")
