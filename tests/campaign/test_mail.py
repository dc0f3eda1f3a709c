"""Mail through a real SMTP server on loopback, read back as the recipient's mail program would."""

import pytest

from campaign.mail import Recipient, mail_send
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "greeting", "subject"),
    [
        ("fi", "Hei Aino,", "Terveyden ja hyvinvoinnin laitos: kutsu Kylään-palveluun"),
        ("sv", "Hej Aino,", "Terveyden ja hyvinvoinnin laitos: inbjudan till Kylään"),
        ("en", "Hello Aino,", "Terveyden ja hyvinvoinnin laitos: you are invited to Kylään"),
    ],
)
def test_a_mail_is_in_the_recipients_language_as_text_and_html(
    smtp_server, settings, language, greeting, subject
):
    settings.ORGANISATION_NAME = "Terveyden ja hyvinvoinnin laitos"
    settings.DEFAULT_FROM_EMAIL = "kylaan@thl.example"
    aino = StaffFactory(username="aino", first_name="Aino", email="aino@example.org")
    aino.language = language

    mail_send(
        kind="invitation",
        recipient=Recipient.of(aino),
        context={
            "staff": aino,
            "sent_by": "Kaija Koordinaattori",
            "link": "https://kylaan.example/accounts/invitation/x/y/",
            "valid_days": 14,
        },
    )

    message = smtp_server.only()
    assert message["Subject"].strip() == subject
    assert message["To"] == "aino@example.org"
    assert message["From"] == "kylaan@thl.example"
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert text.startswith(greeting)
    assert "https://kylaan.example/accounts/invitation/x/y/" in text
    assert "Terveyden ja hyvinvoinnin laitos" in text
    assert f'<html lang="{language}">' in html
    assert '<a href="https://kylaan.example/accounts/invitation/x/y/">' in html
    assert "Kaija Koordinaattori" in html


def test_without_a_language_of_their_own_a_person_gets_the_sites_default(smtp_server):
    person = StaffFactory(username="uusi", first_name="Uusi", email="uusi@example.org")
    assert person.language == ""
    mail_send(
        kind="password_reset",
        recipient=Recipient.of(person),
        context={"staff": person, "link": "https://kylaan.example/r/", "valid_hours": 24},
    )
    assert smtp_server.text(smtp_server.only()).startswith("Hei Uusi,")


def test_a_mail_server_that_does_not_answer_raises(settings):
    from tests.servers import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    person = StaffFactory(username="uusi", email="uusi@example.org")
    with pytest.raises(ConnectionRefusedError):
        mail_send(
            kind="password_reset",
            recipient=Recipient.of(person),
            context={"staff": person, "link": "https://kylaan.example/r/", "valid_hours": 24},
        )
