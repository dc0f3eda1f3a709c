from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from campaign.selectors import roster_by_unit
from campaign.services import (
    campaign_clone,
    campaign_clone_dates,
    campaign_copy_name,
    campaign_create,
    organisation_import,
    roster_preview,
    roster_take,
)
from campaign.tables import CampaignTable


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


# Campaign setup and the organisation import (coordinators only). The settings page, with its
# preview of a rule change, and the report combine every app, so they are in `pages`.

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
                logging_end_confirmed=form.cleaned_data.get("logging_end_confirmed", False),
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


@permission_required("campaign.add_campaign", raise_exception=True)
def campaign_clone_view(request, slug):
    source = get_object_or_404(Campaign, slug=slug)
    starts_on, ends_on = campaign_clone_dates(source=source)
    initial = {
        "name": campaign_copy_name(source=source),
        "starts_on": starts_on,
        "ends_on": ends_on,
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
        if pending["kind"] == ImportKind.STAFF and plan is not None:
            # Next step for new staff: inviting them, or seeing who has signed in.
            return redirect(reverse("campaigns:import") + "?imported=staff")
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
        "staff_imported": request.GET.get("imported") == ImportKind.STAFF,
    }
    return render(request, "campaign/organisation_import.html", context)
