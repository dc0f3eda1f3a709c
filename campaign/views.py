from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaign.selectors import campaign_current, campaign_progress, visit_list_for_participant


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
