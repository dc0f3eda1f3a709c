"""WCAG 2.1 AA on every page, for every role and language (WALKS), checked with axe-core.

The page list is not written by hand: it is built from the URLconf (tests/urlwalk.py), so a page
added later is checked without touching this file. Every route without parameters is visited, and
a route with parameters gets values from the demo data that the viewer may see (SAMPLE_OBJECTS in
tests/urlwalk.py); a route is skipped only when it does not answer that viewer with a 200 HTML page
(exports, the health check, POST-only actions, pages the role may not open). A route whose
parameters cannot be filled fails the test, so that nobody's page is silently left out.

Besides the pages themselves: forms with errors shown, an empty list (a newcomer with no visits),
keyboard use (skip link, visible focus, no trap, the login journey) and reflow at 320 px.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from campaign.models import Campaign, RosterEntry, Staff
from campaign.roles import STAFF
from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.factories import StaffFactory
from tests.urlwalk import Samples, page_paths
from visits.models import Visit

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
LOCALES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
ROLES = ["demo-staff", "demo-manager", "demo-coordinator"]
NEWCOMER = "a11y-newcomer"

axe = Axe()


# --- Running axe --------------------------------------------------------------------------------


def _html_page(context, path: str) -> bool:
    """Whether the viewer gets a 200 HTML page at path (without following redirects)."""
    response = context.request.get(path, max_redirects=0)
    content_type = response.headers.get("content-type", "")
    response.dispose()
    assert response.status < 500, f"{path} answers {response.status}"
    return response.status == 200 and content_type.startswith("text/html")


def _violations(page, where: str) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]


def _check(page, path: str, language: str, who: str) -> list[str]:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{who} {path}: {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    return _violations(page, f"[{language}] {who} {path}")


def _new_context(browser, live_server, language: str, **options):
    context = browser.new_context(locale=LOCALES[language], base_url=live_server.url, **options)
    context.set_default_timeout(15_000)
    return context


def _record_policy_violations(page, into: list[str]) -> None:
    """Collect what the Content-Security-Policy blocks on the page (Chromium logs each refusal)."""
    page.on(
        "console",
        lambda message: (
            into.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


def _newcomer(demo_campaign: Campaign) -> Staff:
    """A staff member who has logged nothing yet: the empty lists and the first-visit state."""
    unit = Staff.objects.get(username="demo-staff").unit
    newcomer = StaffFactory(
        username=NEWCOMER, first_name="Uusi", last_name="Tulokas", unit=unit, role=STAFF
    )
    newcomer.set_password(DEMO_PASSWORD)
    newcomer.save()
    RosterEntry.objects.get_or_create(
        campaign=demo_campaign, staff=newcomer, defaults={"unit": unit}
    )
    return newcomer


VIEWERS = ["anonymous", *ROLES, NEWCOMER]
# Every viewer in Finnish, the default. A page's structure is the same in every language, so in
# Swedish and English the public pages (what clients open) and the coordinator's, the widest set
# of pages, are checked: what a language changes (lang attributes, translated names and longer
# words) shows there.
WALKS = [
    *(("fi", viewer) for viewer in VIEWERS),
    *((language, viewer) for language in ("sv", "en") for viewer in ("anonymous", ROLES[-1])),
]


@pytest.mark.parametrize(("language", "viewer"), WALKS)
def test_every_page_of_every_role_passes_axe(demo, browser, live_server, language, viewer):
    _newcomer(Campaign.objects.current())
    violations, unresolved, checked, refused = [], [], [], []

    context = _new_context(browser, live_server, language)
    page = context.new_page()
    _record_policy_violations(page, refused)
    if viewer == "anonymous":
        for path in page_paths(None)[0]:
            if _html_page(context, path):
                violations += _check(page, path, language, viewer)
                checked.append(f"{viewer} {path}")
        # A form with errors shown: the login form submitted empty.
        page.goto("/accounts/login/")
        page.locator("main button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        violations += _violations(page, f"[{language}] anonymous login form with errors")
    else:
        log_in(page, viewer)
        expect(page.locator("main")).to_be_visible()
        paths, unresolved = page_paths(Samples.for_user(Staff.objects.get(username=viewer)))
        for path in paths:
            if _html_page(context, path):
                violations += _check(page, path, language, viewer)
                checked.append(f"{viewer} {path}")
        # A form with errors shown, for a logged-in user.
        page.goto("/accounts/password/")
        page.locator("#id_old_password").fill("not-the-password")
        page.locator("#id_new_password1").fill("short")
        page.locator("#id_new_password2").fill("different")
        page.locator("main button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        violations += _violations(page, f"[{language}] {viewer} password change with errors")
    context.close()

    assert not unresolved, "Give these route parameters a sample in SAMPLE_OBJECTS:\n" + "\n".join(
        sorted(set(unresolved))
    )
    assert len(checked) >= 3, checked
    assert not violations, f"{len(violations)} axe violations:\n" + "\n".join(violations)
    assert not refused, "The Content-Security-Policy blocked:\n" + "\n".join(refused)


# --- Keyboard -----------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    footer: !!el.closest('footer'),
  };
}"""


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(demo, page):
    log_in(page, "demo-staff")
    expect(page.locator("main")).to_be_visible()

    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    expect(skip_link).to_have_text("Siirry sisältöön")

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main, footer') !== null")


@pytest.mark.parametrize("path", ["/", "/accessibility/"])
def test_every_tab_stop_shows_focus_and_the_footer_is_reachable(demo, page, path):
    log_in(page, "demo-coordinator")
    page.goto(path)
    stops = []
    for _ in range(80):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        if stop["tag"] == "body":
            break
        stops.append(stop)
        assert stop["outline"], f"no visible focus on {stop}"
    assert any(stop["footer"] for stop in stops), "the footer links cannot be reached by Tab"


def test_login_journey_by_keyboard_only(demo, page):
    page.goto("/")
    # The username field has focus when the page opens.
    expect(page.locator("#id_username")).to_be_focused()

    # An empty submit: the error summary takes focus and its first link leads to the field.
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Käyttäjätunnus")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_username")).to_be_focused()
    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")

    page.keyboard.type("demo-staff")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    # The browser keeps the #id_username of the followed link across the redirect.
    expect(page).to_have_url(re.compile(r"/(#id_username)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sopiiko tulla kylään?")


def test_language_is_switched_by_keyboard_and_remembered(demo, page):
    page.goto("/accessibility/")
    select = page.locator("#language-select")
    while not page.evaluate("document.activeElement.id === 'language-select'"):
        page.keyboard.press("Tab")
    expect(select).to_be_focused()
    page.keyboard.press("ArrowDown")  # Suomi -> Svenska
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsutlåtande")
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")


# --- Reflow -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ROLES)
def test_every_page_reflows_at_320_px(demo, browser, live_server, username):
    """320 CSS px is a 1280 px screen at 400 % zoom (WCAG 1.4.10), so 200 % is covered too."""
    context = _new_context(browser, live_server, "fi", viewport={"width": 320, "height": 640})
    page = context.new_page()
    log_in(page, username)
    wide = []
    paths, _unresolved = page_paths(Samples.for_user(Staff.objects.get(username=username)))
    for path in ["/accounts/login/", *paths]:
        if path == "/accounts/login/" or _html_page(context, path):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide.append(f"{path}: {width}px")
    context.close()
    assert not wide, "Pages that scroll sideways at 320 px:\n" + "\n".join(wide)


# --- The walk itself ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_walk_fills_route_parameters_from_what_the_viewer_may_see(settings):
    from tests.factories import CampaignFactory, IdeaFactory, VisitFactory

    settings.ROOT_URLCONF = "tests.browser.sample_urls"
    campaign = CampaignFactory(is_current=True, slug="kevat")
    user = StaffFactory(role=STAFF)
    visit = VisitFactory(campaign=campaign, created_by=user, participants=[user])
    idea = IdeaFactory(visit=visit)
    VisitFactory(campaign=campaign)  # someone else's: never used for this viewer

    paths, unresolved = page_paths(Samples.for_user(user))

    assert paths == sorted(
        [
            "/",
            "/visits/",
            f"/visits/{visit.pk}/",
            f"/visits/{visit.pk}/edit/",
            f"/ideas/{idea.pk}/",
            "/leaderboard/kevat/",
            "/campaigns/kevat/report/",
            f"/campaigns/kevat/ideas/{idea.pk}/",
        ]
    )
    assert unresolved == []
    assert page_paths(None)[0] == ["/", "/visits/"]


@pytest.mark.django_db
def test_the_walk_reports_a_route_it_cannot_fill(settings):
    from tests.factories import CampaignFactory

    settings.ROOT_URLCONF = "tests.browser.sample_urls_unknown"
    CampaignFactory(is_current=True)
    user = StaffFactory(role=STAFF)

    paths, unresolved = page_paths(Samples.for_user(user))

    assert unresolved == ["no sample for <int:report_number> in reports/<int:report_number>/"]
    assert "/visits/" not in paths


@pytest.mark.django_db
def test_the_walk_opens_a_clients_feedback_page_without_a_login():
    from tests.factories import CampaignFactory, VisitFactory

    campaign = CampaignFactory(is_current=True, slug="kevat")
    VisitFactory(campaign=campaign, status=Visit.Status.PLANNED)  # its link is not given out
    done = VisitFactory(campaign=campaign)

    paths, unresolved = page_paths(None)

    assert f"/feedback/{done.feedback_token}/" in paths
    assert f"/feedback/{done.feedback_token}/unsubscribe/" in paths
    assert unresolved == []
    assert not any("<" in path for path in paths)
    staff_paths, _unresolved = page_paths(Samples.for_user(done.created_by))
    assert f"/feedback/{done.feedback_token}/" in staff_paths
