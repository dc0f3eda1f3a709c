"""Single sign-on end to end against a real OpenID Connect provider on loopback: the test client
plays the browser, the provider's own pages are posted as a person would."""

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group

from campaign.models import Staff
from campaign.roles import COORDINATORS, STAFF
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def start(client, next_url=""):
    """Press the sign-on button: Kylään sends the browser to the provider."""
    query = f"?next={next_url}" if next_url else ""
    response = client.get("/accounts/oidc/authenticate/" + query)
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, provider, sub, next_url=""):
    back = provider.authorize(start(client, next_url), sub)
    return client.get(back)


@pytest.fixture
def imported(unit):
    """A staff member as the import leaves them: an e-mail, no password."""
    person = StaffFactory(
        username="aino.ahonen",
        email="aino.ahonen@example.org",
        first_name="Aino",
        last_name="Ahonen",
        unit=unit,
        role=STAFF,
        password=None,
    )
    person.set_unusable_password()
    person.save()
    return person


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_login_page_offers_single_sign_on_first_and_keeps_the_password_form(
    client, oidc_provider, settings
):
    settings.OIDC_LOGIN_LABEL = "Kirjaudu organisaation tunnuksilla"
    page = client.get("/accounts/login/").text
    button = page.index("Kirjaudu organisaation tunnuksilla")
    assert button < page.index('name="password"')
    assert 'href="/accounts/oidc/authenticate/"' in page
    assert "Forgot your password?" in page


def test_an_imported_staff_member_signs_in_by_email_whatever_its_case(
    client, oidc_provider, imported
):
    oidc_provider.add_user(
        "aino-sub", email="Aino.Ahonen@Example.ORG", given_name="Aino", family_name="Ahonen-Virta"
    )

    response = sign_in(client, oidc_provider, "aino-sub")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == str(imported.pk)
    imported.refresh_from_db()
    assert imported.last_name == "Ahonen-Virta"
    assert imported.email == "aino.ahonen@example.org"
    assert imported.language == "en"
    assert imported.last_login is not None
    assert client.get("/").status_code == 200


def test_the_page_asked_for_is_where_the_sign_in_lands(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email)
    response = sign_in(client, oidc_provider, "aino-sub", next_url="/visits/")
    assert response["Location"] == "/visits/"


def test_the_username_claim_matches_the_username(client, oidc_provider, imported, settings):
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    oidc_provider.add_user(
        "aino-sub", email="aino@changed.example.org", preferred_username="AINO.AHONEN"
    )

    sign_in(client, oidc_provider, "aino-sub")

    assert signed_in_as(client) == str(imported.pk)
    imported.refresh_from_db()
    assert imported.email == "aino@changed.example.org"


def test_state_nonce_and_pkce_are_sent_and_the_id_token_is_kept_for_logout(
    client, oidc_provider, imported
):
    oidc_provider.add_user("aino-sub", email=imported.email)
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]
    assert query["client_id"] == ["kylaan"]


def test_a_person_the_app_does_not_know_is_told_whom_to_contact(client, oidc_provider):
    StaffFactory(
        username="koordinaattori",
        first_name="Kaija",
        last_name="Koordinaattori",
        email="kaija@example.org",
        role=COORDINATORS,
    )
    oidc_provider.add_user("stranger", email="stranger@example.org")

    response = sign_in(client, oidc_provider, "stranger")

    assert response.status_code == 403
    assert "You cannot use Kylään yet" in response.text
    assert "stranger@example.org" in response.text
    assert "mailto:kaija@example.org" in response.text
    assert signed_in_as(client) is None
    assert not Staff.objects.filter(email="stranger@example.org").exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fi", "Et voi vielä käyttää Kylään-palvelua"), ("sv", "Du kan inte använda Kylään ännu")],
)
def test_the_unknown_person_is_told_in_their_language(client, oidc_provider, language, heading):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    oidc_provider.add_user("stranger", email="stranger@example.org")
    response = sign_in(client, oidc_provider, "stranger")
    assert heading in response.text
    assert f'lang="{language}"' in response.text


def test_with_create_users_a_newcomer_becomes_staff_without_a_unit(client, oidc_provider, settings):
    settings.OIDC_CREATE_USERS = True
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    oidc_provider.add_user(
        "uusi",
        email="Uusi.Tulokas@example.org",
        preferred_username="uusi.tulokas",
        given_name="Uusi",
        family_name="Tulokas",
    )

    response = sign_in(client, oidc_provider, "uusi")

    assert response.status_code == 302
    newcomer = Staff.objects.get(username="uusi.tulokas")
    assert signed_in_as(client) == str(newcomer.pk)
    assert (newcomer.email, newcomer.first_name, newcomer.last_name) == (
        "uusi.tulokas@example.org",
        "Uusi",
        "Tulokas",
    )
    assert newcomer.unit is None
    assert not newcomer.has_usable_password()
    assert list(newcomer.groups.all()) == [Group.objects.get(name=STAFF)]


def test_a_coordinator_places_the_newcomer_by_importing_the_staff_file(
    client, oidc_provider, settings, unit
):
    from campaign.imports import ImportKind
    from tests.campaign.test_import import csv_bytes, run_import

    settings.OIDC_CREATE_USERS = True
    oidc_provider.add_user("uusi", email="uusi.tulokas@example.org")
    sign_in(client, oidc_provider, "uusi")
    rows = [["sähköposti", "etunimi", "sukunimi", "yksikkö"]]
    rows.append(["uusi.tulokas@example.org", "Uusi", "Tulokas", unit.code])

    run_import(ImportKind.STAFF, csv_bytes(rows))

    newcomer = Staff.objects.get(email="uusi.tulokas@example.org")
    assert newcomer.unit == unit
    assert Staff.objects.filter(email="uusi.tulokas@example.org").count() == 1


def test_a_deactivated_staff_member_is_refused(client, oidc_provider, imported, settings):
    settings.OIDC_CREATE_USERS = True
    imported.is_active = False
    imported.save()
    oidc_provider.add_user("aino-sub", email=imported.email)

    response = sign_in(client, oidc_provider, "aino-sub")

    assert response.status_code == 403
    assert "Your Kylään account is closed" in response.text
    assert signed_in_as(client) is None
    assert Staff.objects.filter(email__iexact=imported.email).count() == 1


def test_someone_deactivated_while_signed_in_is_out_on_their_next_request(
    client, oidc_provider, imported
):
    oidc_provider.add_user("aino-sub", email=imported.email)
    sign_in(client, oidc_provider, "aino-sub")
    Staff.objects.filter(pk=imported.pk).update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_two_staff_with_the_same_email_are_not_guessed_between(client, oidc_provider, imported):
    StaffFactory(username="aino-toinen", email="AINO.AHONEN@example.org")
    oidc_provider.add_user("aino-sub", email=imported.email)
    response = sign_in(client, oidc_provider, "aino-sub")
    assert response.status_code == 403
    assert "more than one person" in response.text
    assert signed_in_as(client) is None


def test_a_tampered_state_is_refused_with_a_clear_page(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email)
    back = oidc_provider.authorize(start(client), "aino-sub")
    tampered = back.replace("state=", "state=x")

    response = client.get(tampered)

    assert response.status_code == 400
    assert "Signing in did not succeed" in response.text
    assert signed_in_as(client) is None


def test_a_callback_started_in_no_browser_is_refused(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email)
    back = oidc_provider.authorize(start(client), "aino-sub")
    client.cookies.clear()
    response = client.get(back)
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_a_replayed_callback_is_refused(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email)
    back = oidc_provider.authorize(start(client), "aino-sub")
    assert client.get(back).status_code == 302
    client.logout()
    assert client.get(back).status_code == 400
    assert signed_in_as(client) is None


def _tamper_flow(client, key, value):
    session = client.session
    states = session["oidc_states"]
    for state in states.values():
        state[key] = value
    session["oidc_states"] = states
    session.save()


def test_an_id_token_with_another_nonce_is_refused(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email)
    back = oidc_provider.authorize(start(client), "aino-sub")
    _tamper_flow(client, "nonce", "not-the-nonce-sent")

    response = client.get(back)

    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_a_code_verifier_that_does_not_match_the_challenge_is_refused(
    client, oidc_provider, imported
):
    oidc_provider.add_user("aino-sub", email=imported.email)
    back = oidc_provider.authorize(start(client), "aino-sub")
    _tamper_flow(client, "code_verifier", "x" * 64)

    response = client.get(back)

    assert response.status_code == 400
    assert oidc_provider.pkce.token_requests[-1]["code_verifier"] == "x" * 64
    assert signed_in_as(client) is None


def test_a_person_who_cancels_at_the_provider_gets_back_to_logging_in(
    client, oidc_provider, imported
):
    location = start(client)
    state = parse_qs(urlsplit(location).query)["state"][0]
    response = client.get(f"/accounts/oidc/callback/?error=access_denied&state={state}")
    assert response.status_code == 400
    assert 'href="/accounts/login/"' in response.text


def test_logout_ends_the_providers_session_too(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email)
    sign_in(client, oidc_provider, "aino-sub")
    id_token = client.session["oidc_id_token"]

    response = client.post("/accounts/logout/")

    assert signed_in_as(client) is None
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == oidc_provider.url
    assert location.path == "/oauth2/end_session"
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]


def test_logout_after_a_password_login_stays_in_kylaan(client, oidc_provider, staff_member):
    client.post(
        "/accounts/login/", {"username": staff_member.username, "password": "secret-pass-123"}
    )
    assert signed_in_as(client) == str(staff_member.pk)
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None


def test_the_discovery_document_is_fetched_once_and_not_at_start(client, oidc_provider, imported):
    assert oidc_provider.pkce.discoveries == 0
    assert client.get("/accounts/login/").status_code == 200
    assert oidc_provider.pkce.discoveries == 0
    oidc_provider.add_user("aino-sub", email=imported.email)
    sign_in(client, oidc_provider, "aino-sub")
    client.post("/accounts/logout/")
    sign_in(client, oidc_provider, "aino-sub")
    assert oidc_provider.pkce.discoveries == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_provider_that_is_down_is_told_and_the_password_form_still_works(
    client, settings, staff_member
):
    from accounts.oidc import forget_provider

    forget_provider()
    settings.OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"
    settings.OIDC_CLIENT_ID = "kylaan"
    settings.OIDC_TIMEOUT = 2

    assert client.get("/accounts/login/").status_code == 200
    response = client.get("/accounts/oidc/authenticate/")
    assert response.status_code == 503
    assert "The sign-in service does not answer" in response.text
    response = client.post(
        "/accounts/login/", {"username": staff_member.username, "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    forget_provider()


def test_without_password_login_only_the_button_is_offered(
    client, oidc_provider, staff_member, settings
):
    settings.PASSWORD_LOGIN = False
    page = client.get("/accounts/login/").text
    assert "/accounts/oidc/authenticate/" in page
    assert 'name="password"' not in page
    assert "Forgot your password?" not in page
    response = client.post(
        "/accounts/login/", {"username": staff_member.username, "password": "secret-pass-123"}
    )
    assert response.status_code == 405
    assert signed_in_as(client) is None
    assert client.get("/accounts/password_reset/").status_code == 404


def test_without_single_sign_on_its_addresses_do_not_exist(client):
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
    assert "/accounts/oidc/" not in client.get("/accounts/login/").text


def test_an_email_the_provider_has_not_verified_matches_nobody(client, oidc_provider, imported):
    oidc_provider.add_user("aino-sub", email=imported.email, email_verified=False)
    response = sign_in(client, oidc_provider, "aino-sub")
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_a_provider_without_a_discovery_document_is_told_as_not_answering(
    client, oidc_provider, settings
):
    from accounts.oidc import forget_provider

    settings.OIDC_ISSUER = oidc_provider.url + "/no-such-issuer"
    forget_provider()
    response = client.get("/accounts/oidc/authenticate/")
    assert response.status_code == 503
    assert "The sign-in service does not answer" in response.text
