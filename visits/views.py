"""The visit list, withdrawing a visit, and the small endpoints the visit form's script calls.

Logging, editing and showing a visit also handle its ideas, so those pages are in `pages`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from campaign.models import Campaign
from campaign.selectors import campaign_current
from visits.filters import VisitFilter
from visits.forms import LookupQueryForm, VerdictQueryForm
from visits.models import Visit
from visits.selectors import (
    client_search,
    clients_similar_to,
    staff_search,
    visit_detail,
    visit_editable_by,
    visit_list,
    visits_to_clients,
)
from visits.services import visit_withdraw
from visits.tables import VisitTable


class VisitListView(SingleTableMixin, FilterView):
    """My visits by default; a unit manager's unit; everything for coordinators."""

    table_class = VisitTable
    filterset_class = VisitFilter
    template_name = "visits/visit_list.html"
    table_pagination = {"per_page": 25, "silent": True}

    def get_queryset(self):
        return visit_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if "campaign" not in data:
            current = campaign_current()
            data["campaign"] = current.pk if current else ""
        kwargs["data"] = data
        return kwargs


def visit_or_404(request, pk) -> Visit:
    """The visit the user may see, or 404: a visit of someone else is as if it did not exist."""
    visit = visit_detail(user=request.user, pk=pk)
    if visit is None:
        raise Http404(_("No such visit."))
    return visit


@require_http_methods(["GET", "POST"])
def visit_withdraw_view(request, pk):
    visit = visit_or_404(request, pk)
    if not visit_editable_by(visit=visit, user=request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            visit_withdraw(visit=visit, withdrawn_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The visit is withdrawn. It is kept as cancelled."))
        return redirect(visit)
    return render(request, "visits/visit_withdraw.html", {"visit": visit})


def _asked(request) -> dict:
    return LookupQueryForm(request.GET).values()


def _campaign_asked(asked: dict):
    """The campaign a helper endpoint is asked about (`?campaign=<id>`), else the current one."""
    if "campaign" in asked:
        return Campaign.objects.filter(pk=asked["campaign"]).first()
    return campaign_current()


@require_GET
def verdict_preview(request):
    """The live "will this count and why" box: the same rule as the saved visit."""
    campaign = _campaign_asked(_asked(request))
    verdict, rule_errors = None, []
    if campaign is not None:
        verdict, rule_errors = VerdictQueryForm(request.GET).preview(
            campaign=campaign, today=timezone.localdate()
        )
    html = render_to_string(
        "visits/_verdict.html", {"verdict": verdict, "rule_errors": rule_errors}, request=request
    )
    return JsonResponse(
        {"counts": verdict.counts if verdict else None, "blocked": bool(rule_errors), "html": html}
    )


@require_GET
def client_search_view(request):
    clients = client_search(query=_asked(request).get("q", "")[:100])
    results = [
        {
            "id": client.pk,
            "name": client.name,
            "kind": client.get_kind_display(),
            "region": client.region,
        }
        for client in clients
    ]
    return JsonResponse({"results": results})


@require_GET
def client_visits_view(request):
    """Who already visited the client in the campaign (date, unit)."""
    asked = _asked(request)
    campaign = _campaign_asked(asked)
    client_id = asked.get("client")
    earlier = []
    if campaign is not None and client_id is not None:
        earlier = visits_to_clients(
            campaign=campaign, client_ids=[client_id], exclude_visit_id=asked.get("exclude")
        ).get(client_id, [])
    html = render_to_string(
        "visits/_earlier_visits.html",
        {"earlier_visits": earlier, "chosen_client": client_id},
        request=request,
    )
    return JsonResponse({"count": len(earlier), "html": html})


@require_GET
def client_similar_view(request):
    asked = _asked(request)
    similar = clients_similar_to(
        name=asked.get("name", "")[:200], business_id=asked.get("business_id", "")[:9]
    )
    html = render_to_string("visits/_similar_clients.html", {"similar": similar}, request=request)
    return JsonResponse({"found": bool(similar), "html": html})


@require_GET
def staff_search_view(request):
    people = staff_search(query=_asked(request).get("q", "")[:100])
    results = [
        {"id": person.pk, "name": str(person), "unit": person.unit.name if person.unit else ""}
        for person in people
        if person.pk != request.user.pk
    ]
    return JsonResponse({"results": results})
