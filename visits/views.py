from django.contrib import messages
from django.contrib.auth.decorators import permission_required
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
from visits.forms import VerdictQueryForm, VisitEditForm, VisitLogForm, idea_formset
from visits.rules import VisitStatus, visit_verdict
from visits.selectors import (
    client_search,
    clients_similar_to,
    staff_search,
    visit_by_submission_token,
    visit_detail,
    visit_editable_by,
    visit_history,
    visit_list,
    visits_to_clients,
)
from visits.services import (
    DuplicateSubmissionError,
    SameDayVisitError,
    logging_is_open,
    visit_log,
    visit_update,
    visit_withdraw,
)
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


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _verdict_for(form, campaign, *, visit=None):
    """The verdict the preview shows and the rules saving would refuse: none on an empty new
    form (nothing is answered yet, so it invites to fill the form in), a saved visit's own values
    until the edit form is submitted, and after a submit the values as sent, valid or not."""
    if form.is_bound:
        return VerdictQueryForm(form.data).preview(campaign=campaign, today=timezone.localdate())
    if visit is None:
        return None, []
    initial = form.initial
    verdict = visit_verdict(
        campaign=campaign,
        status=initial.get("status", VisitStatus.DONE),
        visited_on=initial["visited_on"],
        minutes=initial["minutes"],
        is_remote=initial.get("is_remote", False),
        listened_most=initial.get("listened_most", False),
        not_without_campaign=initial.get("not_without_campaign", False),
    )
    return verdict, []


def _earlier_visits(form, campaign, exclude_visit_id=None):
    client = form.cleaned_data.get("client") if form.is_bound and form.is_valid() else None
    if client is None and form.is_bound:
        client = form.fields["client"].queryset.filter(pk=form.data.get("client") or 0).first()
    if client is None and not form.is_bound and form.initial.get("client"):
        client = form.fields["client"].queryset.filter(pk=form.initial["client"]).first()
    if client is None:
        return None, []
    found = visits_to_clients(
        campaign=campaign, client_ids=[client.pk], exclude_visit_id=exclude_visit_id
    )
    return client, found.get(client.pk, [])


@permission_required("visits.add_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_new(request):
    campaign = campaign_current()
    if campaign is None or not logging_is_open(campaign=campaign, user=request.user):
        return render(request, "visits/visit_closed.html", {"campaign": campaign})
    form_kwargs = {"campaign": campaign, "logger": request.user}
    if request.method == "GET":
        form = VisitLogForm(**form_kwargs)
        ideas = idea_formset(campaign=campaign)
        return _render_form(request, "visits/visit_form.html", form, ideas, campaign)

    already_saved = visit_by_submission_token(token=request.POST.get("submission_token", ""))
    if already_saved is not None:
        return _already_saved(request, already_saved)
    data = _with_client_picked(request.POST) if request.POST.get("pick_client") else request.POST
    form = VisitLogForm(data, **form_kwargs)
    ideas = idea_formset(
        campaign=campaign, data=request.POST, extra_forms=int("add_idea" in request.POST)
    )
    if "add_idea" in request.POST or "preview" in request.POST:
        return _render_form(request, "visits/visit_form.html", form, ideas, campaign)
    if form.is_valid() and ideas.is_valid():
        try:
            visit = visit_log(
                campaign=campaign,
                created_by=request.user,
                client=form.cleaned_data["client"],
                new_client=form.new_client(),
                submission_token=form.cleaned_data["submission_token"],
                same_day_confirmed=form.cleaned_data["same_day_confirmed"],
                ideas=[f.idea() for f in ideas if f.has_changed()],
                **form.visit_values(),
            )
        except DuplicateSubmissionError as duplicate:
            return _already_saved(request, duplicate.visit)
        except ValidationError as error:
            _add_service_errors(form, error)
            if isinstance(error, SameDayVisitError):
                form.same_day_visit = error.visit
        else:
            messages.success(request, _success_message(visit))
            return redirect(visit)
    return _render_form(request, "visits/visit_form.html", form, ideas, campaign, status=400)


def _with_client_picked(data):
    """The form as sent, with the client picked among the similar ones instead of a new one."""
    data = data.copy()
    data["client"] = data["pick_client"]
    for name in VisitLogForm.NEW_CLIENT_FIELDS:
        data.pop(name, None)
    return data


def _already_saved(request, visit):
    """A form sent twice lands on the visit it made, whatever else it says."""
    if visit_detail(user=request.user, pk=visit.pk) is None:
        raise Http404(_("No such visit."))
    messages.info(request, _("This visit was already saved."))
    return redirect(visit)


def _success_message(visit):
    if visit.counts:
        return _("Thank you! The visit is saved and counts for the campaign.")
    return _("The visit is saved. It does not count for the campaign; see why below.")


def _script_text():
    """The words the form's script shows, translated here like the rest of the page."""
    return {
        "searchClients": _("Search for the client"),
        "searchClientsPlaceholder": _("Name, region or business ID"),
        "searchStaff": _("Search for a colleague"),
        "searchStaffPlaceholder": _("Name"),
        "chosen": _("Chosen: %s"),
        "added": _("Added: %s"),
        "remove": _("Remove %s"),
        "found": _("%s found"),
        "chosenCoVisitors": _("Chosen co-visitors"),
        "noClientFound": _("No client found — add a new client below."),
        "addNewClient": _("Add a new client"),
    }


def _render_form(request, template, form, ideas, campaign, *, visit=None, status=200):
    client, earlier = _earlier_visits(form, campaign, exclude_visit_id=visit.pk if visit else None)
    verdict, rule_errors = _verdict_for(form, campaign, visit=visit)
    context = {
        "script_text": _script_text(),
        "form": form,
        "ideas": ideas,
        "campaign": campaign,
        "visit": visit,
        "verdict": verdict,
        "rule_errors": rule_errors,
        "chosen_client": client,
        "earlier_visits": earlier,
    }
    return render(request, template, context, status=status)


def _visit_or_404(request, pk):
    visit = visit_detail(user=request.user, pk=pk)
    if visit is None:
        raise Http404(_("No such visit."))
    return visit


def visit_show(request, pk):
    visit = _visit_or_404(request, pk)
    others = visits_to_clients(
        campaign=visit.campaign, client_ids=[visit.client_id], exclude_visit_id=visit.pk
    ).get(visit.client_id, [])
    can_edit = visit_editable_by(visit=visit, user=request.user)
    context = {
        "visit": visit,
        "verdict": visit.verdict,
        "can_edit": can_edit,
        "logging_open": logging_is_open(campaign=visit.campaign, user=request.user),
        "other_visits": others,
        "history": visit_history(visit=visit),
    }
    return render(request, "visits/visit_detail.html", context)


@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = _visit_or_404(request, pk)
    if not visit_editable_by(visit=visit, user=request.user):
        raise PermissionDenied
    campaign = visit.campaign
    form_kwargs = {"campaign": campaign, "visit": visit}
    if request.method == "GET":
        form = VisitEditForm(initial=VisitEditForm.initial_for(visit), **form_kwargs)
        ideas = idea_formset(campaign=campaign)
        return _render_form(request, "visits/visit_edit.html", form, ideas, campaign, visit=visit)

    form = VisitEditForm(request.POST, **form_kwargs)
    ideas = idea_formset(
        campaign=campaign, data=request.POST, extra_forms=int("add_idea" in request.POST)
    )
    if "add_idea" in request.POST or "preview" in request.POST:
        return _render_form(request, "visits/visit_edit.html", form, ideas, campaign, visit=visit)
    if form.is_valid() and ideas.is_valid():
        try:
            visit_update(
                visit=visit,
                updated_by=request.user,
                client=form.cleaned_data["client"],
                status=form.cleaned_data["status"],
                new_ideas=[f.idea() for f in ideas if f.has_changed()],
                **form.visit_values(),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(visit)
    return _render_form(
        request, "visits/visit_edit.html", form, ideas, campaign, visit=visit, status=400
    )


@require_http_methods(["GET", "POST"])
def visit_withdraw_view(request, pk):
    visit = _visit_or_404(request, pk)
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


def _campaign_asked(request):
    """The campaign a helper endpoint is asked about (`?campaign=<id>`), else the current one."""
    campaign_id = request.GET.get("campaign", "")
    if campaign_id.isdigit():
        return Campaign.objects.filter(pk=campaign_id).first()
    return campaign_current()


@require_GET
def verdict_preview(request):
    """The live "will this count and why" box: the same rule as the saved visit."""
    campaign = _campaign_asked(request)
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
    clients = client_search(query=request.GET.get("q", "")[:100])
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
    campaign = _campaign_asked(request)
    try:
        client_id = int(request.GET.get("client", ""))
    except ValueError:
        client_id = None
    exclude = request.GET.get("exclude", "")
    earlier = []
    if campaign is not None and client_id is not None:
        earlier = visits_to_clients(
            campaign=campaign,
            client_ids=[client_id],
            exclude_visit_id=int(exclude) if exclude.isdigit() else None,
        ).get(client_id, [])
    html = render_to_string(
        "visits/_earlier_visits.html",
        {"earlier_visits": earlier, "chosen_client": client_id},
        request=request,
    )
    return JsonResponse({"count": len(earlier), "html": html})


@require_GET
def client_similar_view(request):
    similar = clients_similar_to(
        name=request.GET.get("name", "")[:200], business_id=request.GET.get("business_id", "")[:9]
    )
    html = render_to_string("visits/_similar_clients.html", {"similar": similar}, request=request)
    return JsonResponse({"found": bool(similar), "html": html})


@require_GET
def staff_search_view(request):
    people = staff_search(query=request.GET.get("q", "")[:100])
    results = [
        {"id": person.pk, "name": str(person), "unit": person.unit.name if person.unit else ""}
        for person in people
        if person.pk != request.user.pk
    ]
    return JsonResponse({"results": results})
