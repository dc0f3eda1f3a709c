import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaign.selectors import campaign_current, campaign_progress, visit_list_for_participant

# When the accessibility of the service was last assessed; update it with each re-assessment.
ACCESSIBILITY_ASSESSED_ON = dt.date(2026, 11, 26)


def dashboard(request):
    campaign = campaign_current()
    context = {"campaign": campaign}
    if campaign is not None:
        context |= {
            "progress": campaign_progress(campaign=campaign),
            "my_visits": visit_list_for_participant(user=request.user, campaign=campaign),
        }
    return render(request, "campaign/dashboard.html", context)


@login_not_required
@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _organisation_contact() -> dict:
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "feedback_email": settings.FEEDBACK_EMAIL,
    }


@login_not_required
@require_GET
def accessibility_statement(request):
    """The accessibility statement the Act on the Provision of Digital Services requires."""
    context = _organisation_contact() | {"assessed_on": ACCESSIBILITY_ASSESSED_ON}
    return render(request, "campaign/accessibility.html", context)


@login_not_required
@require_GET
def privacy_notice(request):
    """What personal data the service keeps, why, for how long, and the data subject's rights."""
    return render(request, "campaign/privacy.html", _organisation_contact())
