"""The ways in, as people take them in Chromium: single sign-on through a real OpenID Connect
provider on loopback, an invitation and a password reset read from a real SMTP server on
loopback. In Finnish, Swedish and English, with axe-core run on every page of each journey."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from campaign.models import Client, Staff
from campaign.roles import STAFF
from tests.browser.conftest import DEMO_PASSWORD, PHONE, log_in
from tests.browser.test_accessibility import AXE_OPTIONS, LOCALES, axe
from tests.factories import StaffFactory
from visits.models import Visit

LINK = re.compile(r"https?://[^\s/]+(/accounts/(?:invitation|reset)/[^/\s]+/[^/\s]+/)")


def accessible(page, where: str) -> None:
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{where}: " + "; ".join(
        f"{v['id']}: {', '.join(', '.join(n['target']) for n in v['nodes'][:3])}"
        for v in violations
    )


def text(language: str, message: str) -> str:
    """A message of the app in the given language, as the page shows it."""
    with translation.override(language):
        return translation.gettext(message)


def context_in(browser, live_server, language, **options):
    context = browser.new_context(locale=LOCALES[language], base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context


def imported_staff(username: str, language: str = "") -> Staff:
    """Someone the staff import brought in: an e-mail, a unit, no password."""
    unit = Staff.objects.get(username="demo-staff").unit
    person = StaffFactory(
        username=username,
        first_name="Aino",
        last_name="Ahonen",
        email=f"{username}@example.org",
        unit=unit,
        role=STAFF,
    )
    person.set_unusable_password()
    person.language = language
    person.save()
    return person


# --- Single sign-on ----------------------------------------------------------------------------


def sign_on(page, language: str, sub: str) -> None:
    page.goto("/")
    button = page.get_by_role(
        "link", name=text(language, "Sign in with your organisation's account")
    )
    expect(button).to_be_visible()
    accessible(page, f"[{language}] login page with single sign-on")
    button.click()
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_an_imported_staff_member_signs_in_through_the_provider_logs_a_visit_and_signs_out(
    demo, oidc_provider, browser, live_server
):
    aino = imported_staff("aino.sso")
    oidc_provider.add_user("aino-sub", email="AINO.SSO@example.org", given_name="Aino")
    Client.objects.create(name="Testilän kunta", kind=Client.Kind.MUNICIPALITY, region="Kainuu")
    context = context_in(browser, live_server, "fi", viewport=PHONE, is_mobile=True)
    page = context.new_page()

    sign_on(page, "fi", "aino-sub")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".main-nav__name")).to_have_text("Aino Ahonen")
    page.locator("main").get_by_role("link", name="Kirjaa käynti").click()
    page.get_by_label("Hae asiakasta").fill("Testilän")
    page.get_by_role("option", name=re.compile("Testilän kunta")).click()
    page.get_by_label("Suurin osa ajasta käytettiin asiakkaan kuuntelemiseen.").check()
    page.get_by_label("Tapaamista ei olisi ollut ilman kampanjaa.").check()
    page.get_by_role("button", name="Tallenna käynti").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Käynti: Testilän kunta")
    visit = Visit.objects.get(client__name="Testilän kunta")
    assert visit.created_by == aino

    page.get_by_role("button", name="Kirjaudu ulos").click()
    # The provider's own end-session page, then back to Kylään's login page.
    page.locator("form[action$='/oauth2/end_session/confirm'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/visits/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/visits/$"))
    context.close()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_signing_in_and_out_through_the_provider_in_each_language(
    demo, oidc_provider, browser, live_server, language
):
    aino = imported_staff("aino.sso")
    oidc_provider.add_user("aino-sub", email=aino.email)
    context = context_in(browser, live_server, language)
    page = context.new_page()

    sign_on(page, language, "aino-sub")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    aino.refresh_from_db()
    assert aino.language == language
    page.get_by_role("button", name=text(language, "Log out")).click()
    page.locator("form[action$='/oauth2/end_session/confirm'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    context.close()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_someone_kylaan_does_not_know_is_told_whom_to_ask(
    demo, oidc_provider, browser, live_server, language
):
    oidc_provider.add_user("stranger", email="stranger@example.org")
    context = context_in(browser, live_server, language)
    page = context.new_page()

    sign_on(page, language, "stranger")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        text(language, "You cannot use Kylään yet")
    )
    expect(page.locator("main")).to_contain_text("stranger@example.org")
    expect(page.locator("main a[href^='mailto:']").first).to_be_visible()
    accessible(page, f"[{language}] unknown person")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    context.close()


def test_a_deactivated_staff_member_is_turned_away(demo, oidc_provider, browser, live_server):
    aino = imported_staff("aino.sso")
    aino.is_active = False
    aino.save()
    oidc_provider.add_user("aino-sub", email=aino.email)
    context = context_in(browser, live_server, "sv")
    page = context.new_page()
    sign_on(page, "sv", "aino-sub")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt Kylään-konto är stängt")
    accessible(page, "[sv] deactivated person")
    context.close()


# --- Invitations -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_an_imported_staff_member_is_invited_sets_a_password_and_signs_in(
    demo, smtp_server, browser, live_server, language
):
    imported_staff("aino.ahonen", language=language)
    coordinator = context_in(browser, live_server, "fi")
    page = coordinator.new_page()
    log_in(page, "demo-coordinator")
    page.goto("/campaigns/")
    page.get_by_role("link", name="Henkilöstö ja kutsut").click()
    page.get_by_label("Kirjautuminen").select_option("not_invited")
    page.locator("form.filter-form button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("aino.ahonen")
    accessible(page, "[fi] staff list")
    page.get_by_label("Kutsu: Aino Ahonen").check()
    page.get_by_role("button", name="Kutsu alla valitut henkilöt").click()
    expect(page.get_by_role("status")).to_contain_text("Kutsu lähetettiin 1 henkilölle.")
    page.goto("/accounts/staff/?q=aino.ahonen")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody td").nth(5)).not_to_have_text("–")  # invited today
    coordinator.close()

    message = smtp_server.only()
    assert message["To"] == "aino.ahonen@example.org"
    assert message["Subject"].strip() == text(
        language, "%(organisation_name)s: you are invited to Kylään"
    ) % {"organisation_name": "Kylään"}
    path = LINK.search(smtp_server.text(message))[1]
    assert path in smtp_server.html(message)

    person = context_in(browser, live_server, language)
    page = person.new_page()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Welcome to Kylään"))
    accessible(page, f"[{language}] invitation: set a password")
    page.locator("#id_new_password1").fill("Kylaan-kevat-2027")
    page.locator("#id_new_password2").fill("Kylaan-kevat-2027")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".main-nav__name")).to_have_text("Aino Ahonen")
    page.get_by_role("button", name=text(language, "Log out")).click()
    log_in(page, "aino.ahonen", "Kylaan-kevat-2027")
    expect(page).to_have_url(re.compile(r"/$"))
    person.close()


def test_a_weak_password_on_the_invitation_is_told_next_to_the_field(
    demo, smtp_server, browser, live_server
):
    from accounts.services import invitations_send

    aino = imported_staff("aino.ahonen", language="fi")
    invitations_send(
        people=[aino],
        sent_by=Staff.objects.get(username="demo-coordinator"),
        link_for=lambda staff: "",
    )
    smtp_server.received.clear()
    coordinator = context_in(browser, live_server, "fi")
    page = coordinator.new_page()
    log_in(page, "demo-coordinator")
    page.goto("/accounts/staff/?q=aino.ahonen")
    page.get_by_label("Kutsu: Aino Ahonen").check()
    page.get_by_label("Kutsu uudelleen myös jo kutsutut").check()
    page.get_by_role("button", name="Kutsu alla valitut henkilöt").click()
    expect(page.get_by_role("status")).to_contain_text("Kutsu lähetettiin 1 henkilölle.")
    coordinator.close()

    path = LINK.search(smtp_server.text(smtp_server.only()))[1]
    context = context_in(browser, live_server, "fi")
    page = context.new_page()
    page.goto(path)
    page.locator("#id_new_password1").fill("12345")
    page.locator("#id_new_password2").fill("12345")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_new_password2_error")).to_be_visible()
    accessible(page, "[fi] invitation with errors")
    context.close()


# --- Password reset ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_forgotten_password_is_reset_by_email(demo, smtp_server, browser, live_server, language):
    person = Staff.objects.get(username="demo-staff")
    person.language = language
    person.save()
    context = context_in(browser, live_server, language)
    page = context.new_page()

    page.goto("/accounts/login/")
    page.get_by_role("link", name=text(language, "Forgot your password?")).click()
    expect(page).to_have_url(re.compile(r"/accounts/password_reset/$"))
    accessible(page, f"[{language}] password reset form")
    page.locator("#id_email").fill(person.email.upper())
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Check your e-mail"))
    accessible(page, f"[{language}] password reset sent")

    message = smtp_server.only()
    assert message["To"] == person.email
    path = LINK.search(smtp_server.text(message))[1]
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Set a new password"))
    accessible(page, f"[{language}] set a new password")
    page.locator("#id_new_password1").fill("Uusi-kevat-2027")
    page.locator("#id_new_password2").fill("Uusi-kevat-2027")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text(language, "Password saved"))
    accessible(page, f"[{language}] password saved")
    page.get_by_role("link", name=text(language, "Log in")).click()
    log_in(page, "demo-staff", "Uusi-kevat-2027")
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("button", name=text(language, "Log out")).click()
    log_in(page, "demo-staff", DEMO_PASSWORD)
    expect(page.get_by_role("alert")).to_be_visible()
    context.close()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(demo, smtp_server, page):
    page.goto("/accounts/password_reset/")
    page.locator("#id_email").fill("nobody@example.org")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarkista sähköpostisi")
    assert smtp_server.received == []
