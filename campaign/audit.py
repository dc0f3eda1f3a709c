"""Who made a change and from where, for the audit trail (django-auditlog).

On a page, `AuditMiddleware` (auditlog's middleware) records the person and their address for
every change the request makes. A service that must name its actor when it runs outside a request
(the shell, a management command, a test) uses `audit_actor`, which leaves a page's record alone:
auditlog's own `set_actor` would replace it, and the address would be lost for that change and for
every later one of the request.
"""

import contextlib
from contextvars import ContextVar

from auditlog.context import set_actor
from auditlog.middleware import AuditlogMiddleware

_serving_request = ContextVar("kylaan_audit_serving_request", default=False)


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, which also lets `audit_actor` know that a request is recorded."""

    def __call__(self, request):
        serving = _serving_request.set(True)
        try:
            return super().__call__(request)
        finally:
            _serving_request.reset(serving)


@contextlib.contextmanager
def audit_actor(actor):
    """Attribute the changes made inside the block to `actor`, unless a page already does."""
    if _serving_request.get():
        yield
        return
    with set_actor(actor):
        yield
