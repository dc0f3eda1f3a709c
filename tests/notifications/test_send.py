"""Sending through a real SMTP server on loopback: each due mail once, in its recipient's
language, with its unsubscribe link; a refused mail is tried again later, still once."""

import contextlib
import datetime as dt
import re

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from demo.seed import seed_demo
from ideas.models import Idea
from ideas.services import idea_triage
from notifications.models import Notification, NotificationKind
from notifications.services import notification_unsubscribe, notifications_run
from notifications.tokens import unsubscribe_reading
from tests.factories import IdeaFactory, VisitFactory
from tests.servers import Mailbox, _free_port
from visits.models import Visit

pytestmark = pytest.mark.django_db
Kind = NotificationKind


def to(mailbox, address, kind=None):
    """The mails to the address (of one kind: the kind its unsubscribe link turns off)."""
    return [
        m for m in mailbox.received if m["To"] == address and (kind is None or kind_of(m) == kind)
    ]


def kind_of(message) -> str:
    token = re.search(r"/unsubscribe/([^/]+)/>", message["List-Unsubscribe"])[1]
    return unsubscribe_reading(token)[1]


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://kylaan.example.org"


def test_a_second_run_sends_nothing_new(smtp_server, team, running, site):
    first = notifications_run()
    assert first.ok
    sent = sum(first.sent.values())
    assert sent == len(smtp_server.received) == Notification.objects.count()
    assert first.sent[Kind.NUDGE] == 3
    assert first.sent[Kind.DIGEST] == 1
    second = notifications_run()
    assert sum(second.sent.values()) == 0
    assert len(smtp_server.received) == sent
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("language", "greeting"), [("fi", "Hei Tuula,"), ("sv", "Hej Tuula,"), ("en", "Hello Tuula,")]
)
def test_each_mail_is_in_its_recipients_language(
    smtp_server, team, running, site, language, greeting
):
    team.newcomer.language = language
    team.newcomer.save()
    notifications_run()
    (nudge,) = to(smtp_server, team.newcomer.email)
    text, html = smtp_server.text(nudge), smtp_server.html(nudge)
    assert text.startswith(greeting)
    assert f'<html lang="{language}">' in html
    assert running.visit_definition in text
    assert "https://kylaan.example.org/visits/new/" in text


def test_every_mail_carries_a_one_click_unsubscribe_link_for_its_kind(
    smtp_server, team, running, site
):
    notifications_run()
    (digest,) = to(smtp_server, team.manager.email, Kind.DIGEST)
    header = digest["List-Unsubscribe"]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(
        r"\s*<(https://kylaan\.example\.org/notifications/unsubscribe/(.+)/)>", header
    )
    assert link, header
    assert link[1] in smtp_server.text(digest)
    assert unsubscribe_reading(link[2]) == (team.manager.pk, Kind.DIGEST)


def test_the_digest_names_who_has_not_visited_and_the_leaders_who_have(
    smtp_server, team, running, site
):
    notifications_run()
    text = smtp_server.text(to(smtp_server, team.manager.email, Kind.DIGEST)[0])
    waiting = text.split("Ei vielä käyneet")[1].split("\n\n")[0]
    assert "Tuula Tulokas" in waiting
    assert "Maija Manageri" in waiting
    assert "Kaisa Kollega" not in waiting
    assert "Jussi Johtaja" in text.split("Käyneet johtajat:")[1].splitlines()[0]


def test_the_follow_up_links_to_completing_the_visit(smtp_server, team, running, today, site):
    visit = VisitFactory(
        campaign=running,
        created_by=team.colleague,
        status=Visit.Status.PLANNED,
        visited_on=today - dt.timedelta(days=1),
    )
    notifications_run()
    (mail,) = [
        m for m in to(smtp_server, team.colleague.email) if visit.client.name in m["Subject"]
    ]
    assert f"https://kylaan.example.org/visits/{visit.pk}/edit/" in smtp_server.text(mail)


def test_a_decision_brings_the_official_response(smtp_server, team, running, coordinator, site):
    idea = IdeaFactory(
        title="Tilastokuutio-opas",
        visit=VisitFactory(campaign=running, created_by=team.colleague),
        status=Idea.Status.IN_REVIEW,
    )
    idea_triage(
        idea=idea,
        by=coordinator,
        theme=None,
        owner_unit=None,
        status=Idea.Status.DECLINED,
        due_on=None,
        official_response="Tätä ei voida toteuttaa tänä vuonna.",
    )
    notifications_run()
    (mail,) = [m for m in to(smtp_server, team.colleague.email) if "Tilastokuutio" in m["Subject"]]
    assert "Tätä ei voida toteuttaa tänä vuonna." in smtp_server.text(mail)
    assert f"https://kylaan.example.org/ideas/{idea.pk}/" in smtp_server.text(mail)


def test_a_kind_turned_off_after_it_was_recorded_is_not_sent(smtp_server, team, running, settings):
    settings.EMAIL_PORT = _free_port()  # nobody answers: everything stays recorded, unsent
    notifications_run()
    notification_unsubscribe(staff=team.newcomer, kind=Kind.NUDGE)
    settings.EMAIL_PORT = smtp_server.port
    notifications_run()
    assert to(smtp_server, team.newcomer.email) == []
    assert to(smtp_server, team.outsider.email)


def test_when_the_mail_server_is_down_everything_waits_for_the_next_run(
    smtp_server, team, running, settings
):
    settings.EMAIL_PORT = _free_port()
    down = notifications_run()
    assert not down.ok
    assert sum(down.sent.values()) == 0
    assert down.not_tried == Notification.objects.count() > 0
    assert not Notification.objects.filter(sent_at__isnull=False).exists()

    settings.EMAIL_PORT = smtp_server.port
    up = notifications_run()
    assert up.ok
    assert sum(up.sent.values()) == Notification.objects.count()
    keys = sorted(m["To"] + m["Subject"] for m in smtp_server.received)
    assert len(keys) == len(set(keys))


class Refusing(Mailbox):
    """An SMTP server that refuses mail to some addresses, as a server refuses a full mailbox."""

    refused: set[str]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextlib.contextmanager
def refusing_server(refused):
    mailbox = Refusing(host="127.0.0.1", port=_free_port())
    mailbox.refused = set(refused)
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def test_a_refused_mail_is_tried_again_later_and_the_others_are_not_sent_twice(
    smtp_server, team, running, settings
):
    with refusing_server([team.newcomer.email]) as refusing:
        settings.EMAIL_PORT = refusing.port
        first = notifications_run()
    assert first.failed == 1
    assert sum(first.sent.values()) == len(refusing.received) == Notification.objects.count() - 1
    failed = Notification.objects.get(recipient=team.newcomer)
    assert failed.sent_at is None
    assert failed.attempts == 1
    assert "550" in failed.last_error

    settings.EMAIL_PORT = smtp_server.port
    second = notifications_run()
    assert second.ok
    assert sum(second.sent.values()) == 1
    assert [m["To"] for m in smtp_server.received] == [team.newcomer.email]
    failed.refresh_from_db()
    assert failed.sent_at is not None
    assert failed.attempts == 2
    assert failed.last_error == ""


def test_a_mail_that_keeps_failing_is_given_up_after_the_retry_window(
    smtp_server, team, running, settings
):
    settings.EMAIL_PORT = _free_port()
    notifications_run()
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(days=4))
    settings.EMAIL_PORT = smtp_server.port
    notifications_run(now=timezone.now() + dt.timedelta(days=8))
    stale = Notification.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=3))
    assert not stale.filter(sent_at__isnull=False).exists()


def test_the_command_run_twice_on_the_demo_sends_each_due_mail_once(smtp_server, settings, capsys):
    settings.SITE_URL = "https://kylaan.example.org"
    seed_demo(password="demo-pass-1")
    call_command("send_notifications")
    first = capsys.readouterr().out.strip().splitlines()
    call_command("send_notifications")
    second = capsys.readouterr().out.strip().splitlines()

    sent = Notification.objects.filter(sent_at__isnull=False)
    assert len(smtp_server.received) == sent.count() == Notification.objects.count()
    delivered = sorted((m["To"], m["Subject"]) for m in smtp_server.received)
    assert len(delivered) == len(set(delivered))
    for kind in (
        Kind.VISIT_FOLLOW_UP,
        Kind.NUDGE,
        Kind.DIGEST,
        Kind.IDEA_ASSIGNED,
        Kind.IDEA_DECIDED,
    ):
        assert sent.filter(kind=kind).exists(), kind
    assert len(first) == 1
    assert first[0].startswith(f"Sent {sent.count()} notifications")
    assert second == [
        "Sent 0 notifications (visit_follow_up 0, nudge 0, digest 0, idea_assigned 0, "
        "idea_decided 0, campaign_ending 0, grace_started 0); failed 0."
    ]
    follow_up = sent.get(kind=Kind.VISIT_FOLLOW_UP)
    assert follow_up.recipient.username == "demo-staff"
    assert sent.get(kind=Kind.IDEA_ASSIGNED).recipient.username == "demo-manager"
