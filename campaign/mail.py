"""Mail to staff: in the recipient's own language, as plain text and HTML, with the organisation's
name. Every kind of mail (invitations, password reset, later reminders and digests) is three
templates under templates/mail/: `<kind>_subject.txt`, `<kind>.txt` and `<kind>.html` (which
extends mail/base.html). The templates get the context given here plus `organisation_name`.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Recipient:
    """Where a mail goes and in which language it is written."""

    email: str
    language: str

    @classmethod
    def of(cls, staff) -> "Recipient":
        return cls(email=staff.email, language=staff.mail_language)


def site_link(path: str) -> str:
    """An address of this site for use outside its pages (a mail, a calendar feed): SITE_URL and
    the path, so that it is right whichever host or proxy a request came through."""
    return settings.SITE_URL + path


def mail_message(*, kind: str, recipient: Recipient, context: Mapping) -> EmailMultiAlternatives:
    """The mail of one kind to one recipient, rendered in the recipient's language."""
    context = {"organisation_name": settings.ORGANISATION_NAME, **context}
    with translation.override(recipient.language):
        subject = " ".join(render_to_string(f"mail/{kind}_subject.txt", context).split())
        text = render_to_string(f"mail/{kind}.txt", context)
        html = render_to_string(f"mail/{kind}.html", {**context, "language": recipient.language})
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def mail_send(*, kind: str, recipient: Recipient, context: Mapping, connection=None) -> None:
    """Render and send one mail. To send many, open one connection (`get_connection()`, a
    context manager) and pass it to each. A mail server that refuses or does not answer raises
    smtplib.SMTPException or OSError, so that the caller knows this mail was not sent."""
    message = mail_message(kind=kind, recipient=recipient, context=context)
    message.connection = connection
    message.send()
