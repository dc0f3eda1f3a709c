"""The visit list, withdrawing a visit, and the small endpoints the visit form's script calls.

Logging, editing and showing a visit also handle its ideas, so those pages are in `pages`.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from campaign.mail import site_link
from campaign.models import Campaign
from campaign.selectors import campaign_current
from campaign.tables import CappedPaginator, page_past_the_end
from visits import calendar
from visits.filters import VisitFilter
from visits.forms import ClientFeedbackForm, LookupQueryForm, VerdictQueryForm
from visits.models import Visit
from visits.selectors import (
    calendar_feed_by_token,
    calendar_feed_of,
    client_search,
    clients_similar_to,
    planned_visits_of,
    staff_search,
    visit_by_feedback_token,
    visit_detail,
    visit_editable_by,
    visit_list,
    visits_to_client,
)
from visits.services import (
    FeedbackClosedError,
    FeedbackState,
    calendar_feed_renew,
    client_feedback_save,
    client_feedback_state,
    client_feedback_unsubscribe,
    feedback_request_allowed,
    visit_withdraw,
)
from visits.tables import VisitTable


class VisitListView(SingleTableMixin, FilterView):
    """My visits by default; a unit manager's unit; everything for coordinators."""

    table_class = VisitTable
    filterset_class = VisitFilter
    template_name = "visits/visit_list.html"
    table_pagination = {"per_page": 25, "silent": True, "paginator_class": CappedPaginator}

    def get_queryset(self):
        return visit_list(user=self.request.user)

    def get_table_kwargs(self):
        # One campaign's visits all show its name: the column is left out.
        chosen = getattr(self.filterset.form, "cleaned_data", {})
        return {"exclude": ("campaign",)} if chosen.get("campaign") else {}

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        if "campaign" not in data:
            current = campaign_current()
            data["campaign"] = current.pk if current else ""
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_past_the_end"] = page_past_the_end(self.request, context["table"])
        feed = calendar_feed_of(staff=self.request.user)
        context["calendar_address"] = site_link(feed.get_absolute_url()) if feed else None
        return context


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


# The pickers' searches: for people who log visits, a few rows per answer (SEARCH_LIMIT).


@require_GET
@permission_required("visits.add_visit", raise_exception=True)
def client_search_view(request):
    """Clients for the client picker: every client may be chosen for a visit."""
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
    earlier = None
    if campaign is not None and client_id is not None:
        earlier = visits_to_client(
            campaign=campaign, client_id=client_id, exclude_visit_id=asked.get("exclude")
        )
    html = render_to_string(
        "visits/_earlier_visits.html",
        {"earlier_visits": earlier, "chosen_client": client_id},
        request=request,
    )
    return JsonResponse({"count": earlier.total if earlier else 0, "html": html})


@require_GET
def client_similar_view(request):
    asked = _asked(request)
    similar = clients_similar_to(
        name=asked.get("name", "")[:200], business_id=asked.get("business_id", "")[:9]
    )
    html = render_to_string("visits/_similar_clients.html", {"similar": similar}, request=request)
    return JsonResponse({"found": bool(similar), "html": html})


@require_GET
@permission_required("visits.add_visit", raise_exception=True)
def staff_search_view(request):
    """Active colleagues for the co-visitor picker, leaving out the person asking and the visit's
    logger (`?exclude=<id>`), who are on the visit anyway."""
    asked = _asked(request)
    people = staff_search(
        query=asked.get("q", "")[:100], exclude_ids=[request.user.pk, asked.get("exclude")]
    )
    results = [
        {"id": person.pk, "name": str(person), "unit": person.unit.name if person.unit else ""}
        for person in people
    ]
    return JsonResponse({"results": results})


# --- Planned visits in a calendar ----------------------------------------------------------------


@require_POST
def calendar_feed_renew_view(request):
    """Make the person's calendar address, or replace it: the old one stops working."""
    had_one = calendar_feed_of(staff=request.user) is not None
    calendar_feed_renew(staff=request.user)
    messages.success(
        request,
        _("Your calendar has a new address. The old one no longer works: subscribe to this one.")
        if had_one
        else _("Your calendar address is ready. Subscribe to it in your calendar program."),
    )
    return redirect(reverse("visits:list") + "#calendar")


def _calendar_response(content: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=calendar.CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_GET
def calendar_feed_view(request, feed_token):
    """A person's planned visits for their calendar program, at a secret address: the program
    cannot log in, so the token is the key. Written in the person's own language."""
    feed = calendar_feed_by_token(token=feed_token)
    if feed is None:
        raise Http404(_("No such calendar."))
    with translation.override(feed.staff.mail_language):
        content = calendar.visits_calendar(
            planned_visits_of(staff=feed.staff), name=_("Kylään: my planned visits")
        )
    return _calendar_response(content)


@require_GET
def visit_calendar_view(request, pk):
    """One visit the person may see, as a calendar file to open in their calendar program."""
    visit = visit_or_404(request, pk)
    content = calendar.visits_calendar([visit], name=_("Kylään: my planned visits"))
    return _calendar_response(content, filename=f"kylaan-visit-{visit.pk}.ics")


# --- The client's feedback (public: the link's secret token is the key) -----------------------


def _feedback_refused(request, visit, state: str):
    """The page for a link that leads nowhere (404) or to a visit that takes no more answers
    (410); None when the link is open."""
    if state == FeedbackState.UNKNOWN:
        return render(request, "visits/feedback_missing.html", status=404)
    if state == FeedbackState.CLOSED:
        return render(request, "visits/feedback_closed.html", {"visit": visit}, status=410)
    return None


def _over_the_limit(request):
    if feedback_request_allowed(address=get_client_ip_address(request) or ""):
        return None
    return render(request, "visits/feedback_throttled.html", status=429)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_view(request, feedback_token):
    """The client's page for one visit: how useful it was, what to do next, and, with consent,
    an address to hear what becomes of their ideas. Phone first, no login."""
    visit = visit_by_feedback_token(token=feedback_token)
    state = client_feedback_state(visit=visit)
    if request.method == "POST" or state != FeedbackState.OPEN:
        refused = _over_the_limit(request) or _feedback_refused(request, visit, state)
        if refused is not None:
            return refused
    feedback = getattr(visit, "client_feedback", None)
    form = ClientFeedbackForm(
        request.POST if request.method == "POST" else None,
        initial=ClientFeedbackForm.initial_for(feedback),
        address_on_file=bool(feedback and feedback.email),
    )
    if form.is_valid():
        try:
            client_feedback_save(visit=visit, language=get_language(), **form.cleaned_data)
        except FeedbackClosedError:
            return _feedback_refused(request, visit, FeedbackState.CLOSED)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you for your answer!"))
            return redirect("feedback:answer", feedback_token=feedback_token)
    return render(
        request,
        "visits/feedback.html",
        {
            "visit": visit,
            "feedback": feedback,
            "form": form,
            "organisation_name": settings.ORGANISATION_NAME,
        },
        status=400 if form.is_bound else 200,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_unsubscribe_view(request, feedback_token):
    """The link in every mail to a client: removes their address, also after the answers close."""
    visit = visit_by_feedback_token(token=feedback_token)
    if visit is None or request.method == "POST":
        refused = _over_the_limit(request)
        if refused is not None:
            return refused
    if visit is None:
        return render(request, "visits/feedback_missing.html", status=404)
    if request.method == "POST":
        if client_feedback_unsubscribe(visit=visit):
            messages.success(
                request,
                _("Your address is removed. We will send you nothing more about these ideas."),
            )
        return redirect("feedback:unsubscribe", feedback_token=feedback_token)
    feedback = getattr(visit, "client_feedback", None)
    return render(
        request,
        "visits/feedback_unsubscribe.html",
        {"visit": visit, "address_on_file": bool(feedback and feedback.email)},
    )
