from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from campaign.filters import CampaignFilter
from campaign.forms import CampaignCloneForm, CampaignForm, ImportUploadForm, RosterForm
from campaign.imports import (
    MAX_FILE_BYTES,
    ImportFileError,
    ImportKind,
    Table,
    import_plan,
    read_table,
)
from campaign.models import Campaign
from campaign.previews import rule_change_needs_preview, rule_change_preview
from campaign.report import campaign_report, report_xlsx_response
from campaign.selectors import (
    campaign_current,
    campaign_progress,
    roster_by_unit,
    visit_list_for_participant,
)
from campaign.services import (
    campaign_clone,
    campaign_create,
    campaign_update,
    organisation_import,
    roster_preview,
    roster_take,
)
from campaign.tables import CampaignTable
from leaderboard.selectors import unit_standing_for


def dashboard(request):
    campaign = campaign_current()
    context = {"campaign": campaign}
    if campaign is not None:
        context |= {
            "progress": campaign_progress(campaign=campaign),
            "my_visits": visit_list_for_participant(user=request.user, campaign=campaign),
            "my_standing": unit_standing_for(user=request.user, campaign=campaign),
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


# Campaign setup, organisation import and the campaign report (coordinators only).

IMPORT_SESSION_KEY = "organisation_import"
IMPORT_ROWS_SHOWN = 1000


class CampaignListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    permission_required = "campaign.change_campaign"
    raise_exception = True
    table_class = CampaignTable
    filterset_class = CampaignFilter
    template_name = "campaign/campaign_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Campaign.objects.annotate(
            visit_count=Count("visits", distinct=True),
            roster_count=Count("roster", distinct=True),
        ).order_by("-starts_on", "name")


@permission_required("campaign.add_campaign", raise_exception=True)
def campaign_create_view(request):
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(
                themes=form.cleaned_data["themes"],
                new_theme_names=form.cleaned_data["new_themes"],
                make_current=form.cleaned_data["make_current"],
                **form.settings(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Campaign “%(name)s” created. Next, take its roster.") % {"name": campaign},
            )
            return redirect("campaigns:roster", slug=campaign.slug)
    return render(request, "campaign/campaign_form.html", {"form": form, "campaign": None})


@permission_required("campaign.change_campaign", raise_exception=True)
def campaign_edit_view(request, slug):
    saved = get_object_or_404(Campaign, slug=slug)
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        instance=Campaign.objects.get(pk=saved.pk),
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        proposed = form.settings()
        if "confirm" not in request.POST and rule_change_needs_preview(
            campaign=saved, proposed=proposed
        ):
            preview = rule_change_preview(campaign=saved, proposed=proposed)
        else:
            try:
                campaign_update(
                    campaign=saved,
                    themes=form.cleaned_data["themes"],
                    new_theme_names=form.cleaned_data["new_themes"],
                    make_current=form.cleaned_data["make_current"],
                    **proposed,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The campaign settings were saved."))
                return redirect("campaigns:list")
    return render(
        request,
        "campaign/campaign_form.html",
        {"form": form, "campaign": saved, "preview": preview},
    )


@permission_required("campaign.add_campaign", raise_exception=True)
def campaign_clone_view(request, slug):
    source = get_object_or_404(Campaign, slug=slug)
    initial = {
        "name": _("%(name)s (copy)") % {"name": source.name},
        "starts_on": source.starts_on.replace(year=source.starts_on.year + 1)
        if (source.starts_on.month, source.starts_on.day) != (2, 29)
        else source.starts_on,
        "ends_on": source.ends_on.replace(year=source.ends_on.year + 1)
        if (source.ends_on.month, source.ends_on.day) != (2, 29)
        else source.ends_on,
    }
    form = CampaignCloneForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_clone(source=source, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("“%(name)s” was created from “%(source)s”. Check its settings.")
                % {"name": campaign, "source": source},
            )
            return redirect("campaigns:edit", slug=campaign.slug)
    return render(request, "campaign/campaign_clone.html", {"form": form, "source": source})


@permission_required("campaign.change_campaign", raise_exception=True)
def campaign_roster_view(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    form = RosterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            change = roster_take(
                campaign=campaign, confirm_started=form.cleaned_data["confirm_started"]
            )
        except ValidationError as error:
            form.add_error("confirm_started", error)
        else:
            messages.success(
                request,
                _(
                    "Roster taken: %(added)s added, %(moved)s moved, %(removed)s removed, "
                    "%(unchanged)s unchanged."
                )
                % change.__dict__,
            )
            return redirect("campaigns:roster", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        "started": campaign.starts_on <= timezone.localdate(),
        "preview": roster_preview(campaign=campaign),
        "units": roster_by_unit(campaign=campaign),
    }
    return render(request, "campaign/campaign_roster.html", context)


@permission_required("campaign.view_report", raise_exception=True)
def campaign_report_view(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    report = campaign_report(campaign=campaign)
    if request.GET.get("format") == "xlsx":
        return report_xlsx_response(report)
    today = timezone.localdate()
    return render(
        request,
        "campaign/campaign_report.html",
        {
            "campaign": campaign,
            "report": report,
            "today": today,
            # Visits can still be logged in the grace days, so the standings are final only after.
            "final": campaign.logging_closes_on < today,
        },
    )


@permission_required("campaign.import_organisation", raise_exception=True)
def organisation_import_view(request):
    form = ImportUploadForm()
    pending = request.session.get(IMPORT_SESSION_KEY)
    plan = None
    action = request.POST.get("action")
    if request.method == "POST" and action == "cancel":
        request.session.pop(IMPORT_SESSION_KEY, None)
        return redirect("campaigns:import")
    if request.method == "POST" and action == "commit":
        if not pending:
            messages.error(request, _("Nothing to import: upload the file again."))
            return redirect("campaigns:import")
        table = Table.from_session(pending["table"])
        try:
            plan = organisation_import(kind=pending["kind"], table=table)
        except (ImportFileError, ValidationError) as error:
            messages.error(request, _("Nothing was imported: %(error)s") % {"error": error})
        else:
            counts = plan.counts
            messages.success(
                request,
                _(
                    "Imported %(file)s: %(create)s created, %(update)s updated, "
                    "%(unchanged)s unchanged, %(reject)s rejected."
                )
                % {"file": pending["filename"], **counts},
            )
        request.session.pop(IMPORT_SESSION_KEY, None)
        return redirect("campaigns:import")
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_FILE_BYTES:
                    raise ImportFileError(
                        _("The file is too large (at most %(mb)s MB). Split it into smaller files.")
                        % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
                    )
                table = read_table(content=upload.read(), filename=upload.name)
                plan = import_plan(kind=form.cleaned_data["kind"], table=table)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "kind": form.cleaned_data["kind"],
                    "filename": upload.name,
                    "table": table.as_session(),
                }
                pending = request.session[IMPORT_SESSION_KEY]
    context = {
        "form": form,
        "plan": plan,
        "pending": pending if plan else None,
        "rows_shown": plan.outcomes[:IMPORT_ROWS_SHOWN] if plan else [],
        "rows_limit": IMPORT_ROWS_SHOWN,
        "kinds": ImportKind,
    }
    return render(request, "campaign/organisation_import.html", context)
