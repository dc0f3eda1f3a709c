"""The pages anyone may read without logging in: the accessibility statement and privacy notice.

Both are required of a Finnish public-sector service (the Act on the Provision of Digital Services,
and the GDPR's duty to inform). The organisation and its feedback address come from settings
(ORGANISATION_NAME, FEEDBACK_EMAIL).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

# When the accessibility of the service was last assessed; update it with each re-assessment.
ACCESSIBILITY_ASSESSED_ON = dt.date(2026, 11, 26)


def _organisation_contact() -> dict:
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "feedback_email": settings.FEEDBACK_EMAIL,
    }


@login_not_required
@require_GET
def accessibility_statement(request):
    """The accessibility statement: compliance, known gaps, feedback and the supervisor."""
    context = _organisation_contact() | {"assessed_on": ACCESSIBILITY_ASSESSED_ON}
    return render(request, "campaign/accessibility.html", context)


@login_not_required
@require_GET
def privacy_notice(request):
    """What personal data the service keeps, why, for how long, and the data subject's rights."""
    return render(request, "campaign/privacy.html", _organisation_contact())
