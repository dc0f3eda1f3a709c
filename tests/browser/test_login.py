import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_staff_member_logs_in_and_sees_the_dashboard(demo, phone_page):
    page = phone_page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    log_in(page, "demo-staff")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sopiiko tulla kylään?")
    counted = page.locator("[data-figure=counted-visits]")
    expect(counted).to_have_text(re.compile(r"^\d+$"))
    assert int(counted.inner_text()) > 100
    expect(page.locator("#my-visits-heading")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_wrong_password_is_refused_with_a_message(demo, page):
    log_in(page, "demo-staff", "wrong-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert")).to_be_visible()
