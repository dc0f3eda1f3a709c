"""The one-click unsubscribe link of a mail: signed, so that only the person it was sent to can
have been given it, and lasting, so that an old mail's link still works."""

from django.core import signing

from notifications.models import NotificationKind

_signer = signing.Signer(salt="notifications.unsubscribe")


def unsubscribe_token(*, staff_id: int, kind: str) -> str:
    return _signer.sign_object([staff_id, kind])


def unsubscribe_reading(token: str) -> tuple[int, str] | None:
    """(staff id, kind) of a token this site made; None for anything else."""
    try:
        staff_id, kind = _signer.unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(staff_id, int) or kind not in NotificationKind.values:
        return None
    return staff_id, kind
