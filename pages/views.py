"""Pages that combine the domain apps: the front page, logging, editing and showing a visit with
its ideas, the campaign settings with their rule-change preview, and the campaign report."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaign.forms import CampaignForm
from campaign.models import Campaign
from campaign.revisions import EditConflict, merge_saved_changes
from campaign.selectors import campaign_current
from campaign.services import campaign_update
from ideas.forms import idea_formset
from ideas.selectors import ideas_of_visit, shareable_ideas
from ideas.services import visit_log_with_ideas, visit_update_with_ideas
from leaderboard.selectors import (
    Figures,
    leaders_who_visited,
    organisation_figures,
    unit_standing_for,
    visit_progress,
)
from notifications.forms import CampaignNotificationsForm
from notifications.selectors import (
    Standings,
    campaign_kinds_off,
    sees_unit_overview,
    unit_overview,
)
from notifications.services import campaign_notifications_set
from pages.previews import rule_change_needs_preview, rule_change_preview
from pages.report import campaign_report, report_xlsx_response
from visits.forms import PICKER_BUTTONS, VerdictQueryForm, VisitEditForm, VisitLogForm
from visits.qr import qr_svg
from visits.rules import VisitStatus, visit_verdict
from visits.selectors import (
    client_feedback_of,
    feedback_link_shown_to,
    visit_by_submission_token,
    visit_detail,
    visit_editable_by,
    visit_history,
    visit_list_for_participant,
    visits_to_client,
)
from visits.services import (
    DuplicateSubmissionError,
    FeedbackState,
    SameDayVisitError,
    client_feedback_state,
    logging_is_open,
)
from visits.views import visit_or_404

# --- The front page ------------------------------------------------------------------------


def dashboard(request):
    campaign = campaign_current()
    context = {"campaign": campaign}
    if campaign is not None:
        figures = Figures(campaign)
        context |= {
            "progress": organisation_figures(campaign=campaign, figures=figures),
            "my_visits": visit_list_for_participant(user=request.user, campaign=campaign),
            "my_standing": unit_standing_for(user=request.user, campaign=campaign, figures=figures),
            "leaders": leaders_who_visited(campaign=campaign, figures=figures),
        }
        # A unit manager's front page leads with their unit: who has visited and who not yet,
        # and the ideas it collected and must decide on.
        if sees_unit_overview(request.user):
            context["overview"] = unit_overview(
                campaign=campaign,
                unit=request.user.unit,
                standings=Standings(campaign, figures),
            )
    return render(request, "pages/dashboard.html", context)


# --- A visit and its ideas -----------------------------------------------------------------


def _add_service_errors(form, ideas, error: ValidationError) -> None:
    """A service's refusal next to the field it is about; one about the ideas in their section."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            if name == "ideas":
                ideas.non_form_errors().extend(problems)
            else:
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
    """The client the form names, even while other fields (or the client's own checks, such as
    the same-day question) are unanswered, and who already visited it."""
    client = form.chosen_client()
    if client is None:
        return None, []
    return client, visits_to_client(
        campaign=campaign, client_id=client.pk, exclude_visit_id=exclude_visit_id
    )


def _saves_nothing(request) -> bool:
    """A press of a button that shows the form again instead of saving it: a new idea row, the
    verdict check, or a picker's own button without JavaScript."""
    return any(name in request.POST for name in ("add_idea", "preview", *PICKER_BUTTONS))


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
        return _render_form(request, "pages/visit_form.html", form, ideas, campaign)

    already_saved = visit_by_submission_token(token=request.POST.get("submission_token", ""))
    if already_saved is not None:
        return _already_saved(request, already_saved)
    data = _with_client_picked(request.POST) if request.POST.get("pick_client") else request.POST
    form = VisitLogForm(data, **form_kwargs)
    ideas = idea_formset(
        campaign=campaign, data=request.POST, extra_forms=int("add_idea" in request.POST)
    )
    if _saves_nothing(request):
        return _render_form(request, "pages/visit_form.html", form, ideas, campaign)
    if form.is_valid() and ideas.is_valid():
        try:
            visit = visit_log_with_ideas(
                campaign=campaign,
                created_by=request.user,
                client=form.cleaned_data["client"],
                new_client=form.new_client(),
                submission_token=form.cleaned_data["submission_token"],
                ideas=[f.idea() for f in ideas if f.has_changed()],
                **form.visit_values(),
            )
        except DuplicateSubmissionError as duplicate:
            return _already_saved(request, duplicate.visit)
        except ValidationError as error:
            _add_service_errors(form, ideas, error)
            if isinstance(error, SameDayVisitError):
                form.same_day_visit = error.visit
        else:
            messages.success(request, _saved_note(visit, request.user), extra_tags=LOG_ANOTHER)
            return redirect(visit)
    return _render_form(request, "pages/visit_form.html", form, ideas, campaign, status=400)


def _with_client_picked(data):
    """The form as sent, with the client picked among the similar ones instead of a new one."""
    data = data.copy()
    data["client"] = data["pick_client"]
    for name in (*VisitLogForm.NEW_CLIENT_FIELDS, "client_query"):
        data.pop(name, None)
    return data


def _already_saved(request, visit):
    """A form sent twice lands on the visit it made, whatever else it says."""
    if visit_detail(user=request.user, pk=visit.pk) is None:
        raise Http404(_("No such visit."))
    messages.info(request, _("This visit was already saved."))
    return redirect(visit)


# A message with this tag offers to log another visit (templates/includes/_messages.html).
LOG_ANOTHER = "log-another"


def _saved_note(visit, user) -> str:
    """What the person reads after saving: that it is saved, and for a visit that counts, the
    step it takes them and their unit (a milestone reached, the unit's rank)."""
    if visit.is_planned:
        return _(
            "The planned visit is saved. Once it has taken place, open it here, mark it done "
            "and add what the client said."
        )
    if not visit.counts:
        return _(
            "The visit is saved as normal client work: this time it does not count for the "
            "campaign. The reasons are below."
        )
    progress = visit_progress(visit=visit, user=user)
    sentences = [_("Thank you! The visit is saved and counts for the campaign.")]
    if progress.my_milestone == 1:
        sentences.append(_("Your first visit of the campaign – great that you set out!"))
    elif progress.my_milestone:
        sentences.append(
            _("That makes %(visits)s counted visits for you – well done!")
            % {"visits": progress.my_visits}
        )
    standing = progress.standing
    if standing is not None:
        if progress.unit_milestone:
            sentences.append(
                _("%(unit)s has now reached %(visits)s counted visits!")
                % {"unit": standing.unit.name, "visits": standing.visits}
            )
        if standing.rank:
            sentences.append(
                _("%(unit)s is ranked %(rank)s of %(units)s.")
                % {
                    "unit": standing.unit.name,
                    "rank": standing.rank,
                    "units": progress.ranked_units,
                }
            )
    return " ".join(str(sentence) for sentence in sentences)


def _script_text():
    """The words the form's script shows, translated here like the rest of the page."""
    return {
        "clientResults": _("Clients found"),
        "staffResults": _("People found"),
        "chosen": _("Chosen: %s"),
        "added": _("Added: %s"),
        "alreadyAdded": _("%s is already on the visit."),
        "found": _("%s found. Use the up and down arrow keys to go through them, Enter to choose."),
        "foundOne": _("1 found. Press the down arrow key, then Enter to choose it."),
        "nobodyFound": _("Nobody found."),
        "chosenCoVisitors": _("Chosen co-visitors"),
        "noClientFound": _("No client found — add a new client below."),
        "addNewClient": _("Add a new client"),
        "searchFailed": _("The search did not answer. Try again."),
    }


def _render_form(
    request, template, form, ideas, campaign, *, visit=None, conflict=None, status=200
):
    client, earlier = _earlier_visits(form, campaign, exclude_visit_id=visit.pk if visit else None)
    verdict, rule_errors = _verdict_for(form, campaign, visit=visit)
    context = {
        "conflict": conflict,
        "script_text": _script_text(),
        "form": form,
        "ideas": ideas,
        "saved_ideas": ideas_of_visit(visit=visit) if visit else [],
        "campaign": campaign,
        "visit": visit,
        "verdict": verdict,
        "rule_errors": rule_errors,
        "chosen_client": client,
        "earlier_visits": earlier,
    }
    return render(request, template, context, status=status)


def visit_show(request, pk):
    visit = visit_or_404(request, pk)
    others = visits_to_client(
        campaign=visit.campaign, client_id=visit.client_id, exclude_visit_id=visit.pk
    )
    can_edit = visit_editable_by(visit=visit, user=request.user)
    context = {
        "visit": visit,
        "ideas": ideas_of_visit(visit=visit),
        "verdict": visit.verdict,
        "can_edit": can_edit,
        "logging_open": logging_is_open(campaign=visit.campaign, user=request.user),
        "other_visits": others,
        "history": visit_history(visit=visit),
        "client_feedback": client_feedback_of(visit=visit),
        "feedback_open": client_feedback_state(visit=visit) == FeedbackState.OPEN,
    }
    if context["feedback_open"] and feedback_link_shown_to(visit=visit, user=request.user):
        link = request.build_absolute_uri(
            reverse("feedback:answer", kwargs={"feedback_token": visit.feedback_token})
        )
        context["feedback_link"] = link
        context["feedback_qr"] = qr_svg(link, title=_("QR code of the client's feedback link"))
        context["feedback_subject"] = _("How useful was our visit?")
    return render(request, "pages/visit_detail.html", context)


@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = visit_or_404(request, pk)
    if not visit_editable_by(visit=visit, user=request.user):
        raise PermissionDenied
    campaign = visit.campaign
    form_kwargs = {"campaign": campaign, "visit": visit}
    if request.method == "GET":
        form = VisitEditForm(initial=VisitEditForm.initial_for(visit), **form_kwargs)
        ideas = idea_formset(campaign=campaign)
        return _render_form(request, "pages/visit_edit.html", form, ideas, campaign, visit=visit)

    form = VisitEditForm(request.POST, **form_kwargs)
    ideas = idea_formset(
        campaign=campaign, data=request.POST, extra_forms=int("add_idea" in request.POST)
    )
    if _saves_nothing(request):
        return _render_form(request, "pages/visit_edit.html", form, ideas, campaign, visit=visit)
    if form.is_valid() and ideas.is_valid():
        changes = {
            "client": form.cleaned_data["client"],
            "status": form.cleaned_data["status"],
            "new_ideas": [f.idea() for f in ideas if f.has_changed()],
            **form.visit_values(),
        }
        try:
            current, merge = _update_visit(request, visit, form, changes)
        except ValidationError as error:
            _add_service_errors(form, ideas, error)
            if isinstance(error, SameDayVisitError):
                form.same_day_visit = error.visit
        else:
            if merge is not None:
                return _outdated_edit(request, ideas, current, merge)
            messages.success(request, _("The changes are saved."))
            return redirect(visit)
    return _render_form(
        request, "pages/visit_edit.html", form, ideas, campaign, visit=visit, status=400
    )


def _update_visit(request, visit, form, changes):
    """Save the edit unless the visit was saved again since the form was made: then the visit as
    it is now and the form merged with what changed meanwhile, for the page to show. When none of
    the fields the form shows changed differently, nothing can be lost and the edit is saved."""
    revision = form.cleaned_data["revision"]
    try:
        visit_update_with_ideas(
            visit=visit,
            updated_by=request.user,
            unchanged_since=revision.saved_at if revision else None,
            **changes,
        )
    except EditConflict as conflict:
        current = visit_or_404(request, visit.pk)
        merge = merge_saved_changes(
            form, before=revision.values, now=VisitEditForm.saved_values(current)
        )
        if merge.changes:
            return current, merge
        visit_update_with_ideas(
            visit=current,
            updated_by=request.user,
            unchanged_since=conflict.current.updated_at,
            **changes,
        )
    return visit, None


def _outdated_edit(request, ideas, current, merge):
    """The edit refused because the visit was saved meanwhile: what changed and who saved it, and
    the form with the person's changes and the others' merged, under the new revision."""
    merge.data["revision"] = VisitEditForm.initial_for(current)["revision"]
    # The merged client id decides; the text in the client box was the refused form's client.
    merge.data.pop("client_query", None)
    form = VisitEditForm(merge.data, campaign=current.campaign, visit=current)
    form.is_valid()
    form.add_error(None, EditConflict(current).messages)
    history = visit_history(visit=current)
    conflict = {"changes": merge.changes, "by": history[0].actor if history else ""}
    return _render_form(
        request,
        "pages/visit_edit.html",
        form,
        ideas,
        current.campaign,
        visit=current,
        conflict=conflict,
        status=409,
    )


# --- Campaign settings and report (coordinators) -------------------------------------------


@permission_required("campaign.change_campaign", raise_exception=True)
def campaign_edit_view(request, slug):
    """The settings of a campaign. A change of counting rules or weights after visits exist is
    first shown (counted visits, and each unit's rank and score, before and after), then saved."""
    saved = get_object_or_404(Campaign, slug=slug)
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=Campaign.objects.get(pk=saved.pk))
    mails = CampaignNotificationsForm(data, kinds_off=campaign_kinds_off(campaign=saved))
    preview = None
    if request.method == "POST" and form.is_valid() and mails.is_valid():
        proposed = form.settings()
        if "confirm" not in request.POST and rule_change_needs_preview(
            campaign=saved, proposed=proposed
        ):
            preview = rule_change_preview(campaign=saved, proposed=proposed)
        else:
            try:
                with transaction.atomic():
                    campaign_update(
                        campaign=saved,
                        themes=form.cleaned_data["themes"],
                        new_theme_names=form.cleaned_data["new_themes"],
                        make_current=form.cleaned_data["make_current"],
                        logging_end_confirmed=form.cleaned_data.get("logging_end_confirmed", False),
                        **proposed,
                    )
                    campaign_notifications_set(
                        campaign=saved, enabled=mails.cleaned_data["enabled"]
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The campaign settings were saved."))
                return redirect("campaigns:list")
    return render(
        request,
        "campaign/campaign_form.html",
        {"form": form, "notifications_form": mails, "campaign": saved, "preview": preview},
    )


@permission_required("campaign.view_report", raise_exception=True)
def campaign_report_view(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    report = campaign_report(campaign=campaign)
    if request.GET.get("format") == "xlsx":
        return report_xlsx_response(report)
    today = timezone.localdate()
    return render(
        request,
        "pages/campaign_report.html",
        {
            "campaign": campaign,
            "report": report,
            "today": today,
            # Visits can still be logged in the grace days, so the standings are final only after.
            "final": campaign.logging_closes_on < today,
        },
    )


@login_not_required
@require_GET
def campaign_shared_ideas_view(request, slug):
    """ "You said, we did": the ideas a campaign's coordinators marked shareable, with their status
    and official response, for clients and anyone to read once the campaign publishes them. No
    client, visitor or unit is named."""
    campaign = get_object_or_404(Campaign, slug=slug, ideas_published=True)
    return render(
        request,
        "pages/shared_ideas.html",
        {
            "campaign": campaign,
            "ideas": shareable_ideas(campaign=campaign),
            "organisation_name": settings.ORGANISATION_NAME,
        },
    )
