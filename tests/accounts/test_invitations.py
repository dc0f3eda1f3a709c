"""Invitations: coordinators mail imported staff who have never signed in a link to set their
password; the staff list shows who was invited and who has signed in."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Invitation
from accounts.services import invitations_send
from campaign.models import Staff
from tests.campaign.test_import import csv_bytes
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import StaffFactory, UnitFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/invitation/[^/\s]+/[^/\s]+/)")


def imported(username, **fields):
    person = StaffFactory(username=username, email=f"{username}@example.org", **fields)
    person.set_unusable_password()
    person.save()
    return person


@pytest.fixture
def newcomers(unit):
    return [imported(name, unit=unit) for name in ("aino", "eero", "ilona")]


def invite(client, **data):
    return client.post("/accounts/staff/invite/", data, follow=True)


# --- The service ---------------------------------------------------------------------------------


def link(person):
    return f"https://kylaan.example/invite/{person.pk}/"


def test_each_person_is_invited_once_unless_invited_again_on_purpose(
    smtp_server, coordinator, newcomers
):
    first = invitations_send(people=newcomers[:2], sent_by=coordinator, link_for=link)
    assert first.sent == newcomers[:2]

    second = invitations_send(people=newcomers, sent_by=coordinator, link_for=link)
    assert second.sent == newcomers[2:]
    assert second.already_invited == newcomers[:2]

    third = invitations_send(people=newcomers[:1], sent_by=coordinator, link_for=link, again=True)
    assert third.sent == newcomers[:1]

    assert len(smtp_server.received) == 4
    assert Invitation.objects.filter(staff=newcomers[0]).count() == 2
    assert {m["To"] for m in smtp_server.received} == {p.email for p in newcomers}


def test_who_has_signed_in_or_has_no_email_is_not_invited(
    smtp_server, coordinator, staff_member, unit
):
    staff_member.last_login = "2026-03-02T09:00:00+02:00"
    staff_member.save()
    no_email = imported("no-email", unit=unit)
    no_email.email = ""
    no_email.save()

    outcome = invitations_send(people=[staff_member, no_email], sent_by=coordinator, link_for=link)

    assert outcome.sent == []
    assert outcome.not_invitable == [staff_member, no_email]
    assert smtp_server.received == []


def test_a_mail_server_that_fails_records_only_the_invitations_sent(
    settings, coordinator, newcomers
):
    from tests.servers import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()

    outcome = invitations_send(people=newcomers, sent_by=coordinator, link_for=link)

    assert outcome.failed == newcomers
    assert outcome.sent == []
    assert not Invitation.objects.exists()


# --- The pages -----------------------------------------------------------------------------------


def test_an_invited_person_sets_a_password_and_is_signed_in(
    client, smtp_server, coordinator, newcomers
):
    aino = newcomers[0]
    aino.language = "fi"
    aino.save()
    client.force_login(coordinator)

    response = invite(client, whom="selected", staff=[aino.pk])

    assert "Invitation sent to 1 person." in response.text
    message = smtp_server.only()
    assert message["To"] == "aino@example.org"
    text = smtp_server.text(message)
    assert "Käyttäjätunnuksesi: aino" in text
    path = LINK.search(text)[1]
    assert path in smtp_server.html(message)

    client.logout()
    form = client.get(path, follow=True)
    assert "Welcome to Kylään" in form.text
    signed_in = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Kylaan-kevat-2027", "new_password2": "Kylaan-kevat-2027"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == "/"
    assert client.session["_auth_user_id"] == str(aino.pk)
    assert "Your password is set" in signed_in.text
    client.logout()
    logged_in = client.post(
        "/accounts/login/", {"username": "aino", "password": "Kylaan-kevat-2027"}
    )
    assert logged_in.status_code == 302
    assert "The link does not work" in client.get(path).text


def test_an_invitation_link_expires_after_the_days_set(client, smtp_server, coordinator, newcomers):
    import datetime as dt
    from unittest import mock

    client.force_login(coordinator)
    invite(client, whom="selected", staff=[newcomers[0].pk])
    path = LINK.search(smtp_server.text(smtp_server.only()))[1]
    client.logout()
    later = dt.datetime.now() + dt.timedelta(days=15)
    with mock.patch("accounts.tokens.InvitationTokenGenerator._now", return_value=later):
        assert "The link does not work" in client.get(path, follow=True).text


def test_everyone_not_yet_invited_is_invited_at_once(client, smtp_server, coordinator, newcomers):
    client.force_login(coordinator)
    invite(client, whom="selected", staff=[newcomers[0].pk])

    response = invite(client, whom="all_new")

    assert "Invitations sent to 2 people." in response.text
    assert sorted(m["To"] for m in smtp_server.received) == [
        "aino@example.org",
        "eero@example.org",
        "ilona@example.org",
    ]


def test_inviting_again_is_a_choice(client, smtp_server, coordinator, newcomers):
    client.force_login(coordinator)
    invite(client, whom="selected", staff=[newcomers[0].pk])
    response = invite(client, whom="selected", staff=[newcomers[0].pk])
    assert "1 person had already been invited" in response.text
    assert len(smtp_server.received) == 1
    response = invite(client, whom="selected", staff=[newcomers[0].pk], again="on")
    assert "Invitation sent to 1 person." in response.text
    assert len(smtp_server.received) == 2


def test_inviting_nobody_ticked_is_told(client, coordinator, newcomers):
    client.force_login(coordinator)
    response = invite(client, whom="selected")
    assert "Tick the people to invite" in response.text
    assert not Invitation.objects.exists()


def test_the_staff_list_shows_who_was_invited_and_who_has_signed_in(
    client, smtp_server, coordinator, newcomers
):
    client.force_login(coordinator)
    invite(client, whom="selected", staff=[newcomers[0].pk])
    Staff.objects.filter(pk=newcomers[1].pk).update(last_login="2026-03-02T09:00:00+02:00")

    page = client.get("/accounts/staff/")

    rows = {row.record.username: row for row in page.context["table"].rows}
    assert rows["aino"].record.last_invited_at is not None
    assert rows["eero"].record.last_login is not None
    assert rows["ilona"].record.last_invited_at is None
    assert f'value="{newcomers[2].pk}"' in page.text  # can be ticked
    assert f'value="{newcomers[1].pk}"' not in page.text  # has signed in
    assert "Invite everyone not yet invited (1 person)" in page.text

    invited = client.get("/accounts/staff/?status=invited").context["table"].rows
    assert [row.record.username for row in invited] == ["aino"]
    not_invited = client.get("/accounts/staff/?status=not_invited").context["table"].rows
    assert [row.record.username for row in not_invited] == ["ilona"]


def test_the_staff_list_costs_the_same_whatever_the_number_of_staff(client, coordinator, unit):
    client.force_login(coordinator)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/staff/").status_code == 200
        return len(captured)

    for number in range(3):
        imported(f"few{number}", unit=unit)
    few = queries()
    for number in range(30):
        imported(f"many{number}", unit=UnitFactory())
    assert queries() == few


def test_only_coordinators_see_the_staff_list_and_invite(client, staff_member, newcomers):
    client.force_login(staff_member)
    assert client.get("/accounts/staff/").status_code == 403
    assert client.post("/accounts/staff/invite/", {"whom": "all_new"}).status_code == 403
    assert not Invitation.objects.exists()


def test_invitations_are_hidden_when_single_sign_on_is_the_only_way_in(
    client, oidc_provider, settings, coordinator, newcomers
):
    settings.PASSWORD_LOGIN = False
    client.force_login(coordinator)
    page = client.get("/accounts/staff/")
    assert page.status_code == 200
    assert "invite-form" not in page.text
    assert 'name="staff"' not in page.text
    assert client.post("/accounts/staff/invite/", {"whom": "all_new"}).status_code == 404
    assert client.get("/accounts/invitation/x/y/").status_code == 404


def test_right_after_a_staff_import_the_page_offers_to_invite(client, coordinator):
    UnitFactory(code="A")
    client.force_login(coordinator)
    rows = [["käyttäjätunnus", "sähköposti", "etunimi", "sukunimi", "yksikkö"]]
    rows.append(["aino", "aino@example.org", "Aino", "Virtanen", "A"])
    client.post(
        "/campaigns/import/",
        {
            "action": "preview",
            "kind": "staff",
            "file": SimpleUploadedFile("staff.csv", csv_bytes(rows)),
        },
    )
    response = client.post("/campaigns/import/", {"action": "commit"}, follow=True)
    assert response.redirect_chain[-1][0] == "/campaigns/import/?imported=staff"
    assert 'href="/accounts/staff/?status=not_invited"' in response.text
