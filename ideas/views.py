from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from campaign.exports import XlsxSheet, csv_response, xlsx_response
from campaign.revisions import EditConflict, merge_saved_changes
from campaign.tables import CappedPaginator, page_past_the_end
from ideas.exports import (
    idea_export_header,
    idea_export_rows,
    idea_export_sheets_by_owner,
)
from ideas.filters import IdeaFilter
from ideas.forms import IdeaCorrectionForm, IdeaDuplicateForm, IdeaTriageForm
from ideas.models import Idea, IdeaExport
from ideas.rules import idea_can_correct, idea_can_triage, idea_next_statuses
from ideas.selectors import (
    idea_duplicates,
    idea_for_detail,
    idea_history,
    idea_list,
    idea_participants,
    idea_visit_visible,
    ideas_similar_to,
)
from ideas.services import (
    idea_correct,
    idea_export_record,
    idea_mark_duplicate,
    idea_triage,
    idea_withdraw,
)
from ideas.tables import IdeaTable

PER_PAGE = 25
LIST_QUERY_KEY = "ideas_list_query"


class IdeaListView(SingleTableMixin, FilterView):
    table_class = IdeaTable
    filterset_class = IdeaFilter
    table_pagination = {"per_page": PER_PAGE, "paginator_class": CappedPaginator}
    template_name = "ideas/idea_list.html"

    def get_queryset(self):
        return idea_list(user=self.request.user, with_collecting_units=False)

    def get(self, request, *args, **kwargs):
        # Remembered so that an idea's page can lead back to the list as it was filtered.
        query = request.GET.urlencode()
        if request.session.get(LIST_QUERY_KEY) != query:
            request.session[LIST_QUERY_KEY] = query
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["page_past_the_end"] = page_past_the_end(self.request, context["table"])
        context["query"] = self.request.GET.urlencode()
        context["filter_active"] = any(key not in ("sort", "page") for key in self.request.GET)
        context["can_export"] = user.has_perm("ideas.export_idea")
        context["can_export_by_owner"] = user.has_perm("ideas.export_idea") and user.has_perm(
            "ideas.view_all_ideas"
        )
        return context


def _ideas_as_listed(request):
    """The rows the list shows for this query string: same scope, filters and sort, all pages."""
    filterset = IdeaFilter(request.GET, queryset=idea_list(user=request.user), request=request)
    ideas = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = IdeaTable(ideas, order_by=request.GET.get("sort"))
    return table.data.data


def _detail_prefix(request) -> str:
    return request.build_absolute_uri(reverse("ideas:list"))


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _export(request, export_format: str, ideas) -> None:
    """The audit row, written before the file is sent so that it is there even when the
    download is cut short; the count is taken from the same query as the rows."""
    idea_export_record(
        by=request.user,
        export_format=export_format,
        query=request.GET.urlencode(),
        row_count=ideas.count(),
    )


@require_GET
@permission_required("ideas.export_idea", raise_exception=True)
def export_csv(request):
    ideas = _ideas_as_listed(request)
    _export(request, IdeaExport.Format.CSV, ideas)
    return csv_response(
        filename=_filename(_("ideas"), "csv"),
        header=idea_export_header(),
        rows=idea_export_rows(ideas, detail_url_prefix=_detail_prefix(request)),
    )


@require_GET
@permission_required("ideas.export_idea", raise_exception=True)
def export_xlsx(request):
    ideas = _ideas_as_listed(request)
    _export(request, IdeaExport.Format.XLSX, ideas)
    sheet = XlsxSheet(
        title=_("Ideas"),
        header=idea_export_header(),
        rows=idea_export_rows(ideas, detail_url_prefix=_detail_prefix(request)),
    )
    return xlsx_response(filename=_filename(_("ideas"), "xlsx"), sheets=[sheet])


@require_GET
@permission_required(["ideas.export_idea", "ideas.view_all_ideas"], raise_exception=True)
def export_by_owner(request):
    """One sheet per owner unit (and one for ideas without an owner), for the current filters:
    each unit gets its own list in one click."""
    ideas = _ideas_as_listed(request)
    _export(request, IdeaExport.Format.XLSX_BY_OWNER, ideas)
    sheets = idea_export_sheets_by_owner(ideas, detail_url_prefix=_detail_prefix(request))
    return xlsx_response(filename=_filename(_("ideas-by-owner-unit"), "xlsx"), sheets=sheets)


MAX_ID = 2**63 - 1


def _visible_idea(request, pk: int) -> Idea:
    idea = idea_for_detail(user=request.user, pk=pk) if pk <= MAX_ID else None
    if idea is None:
        raise Http404(_("No such idea."))
    return idea


def _render_detail(
    request, idea, *, triage_form=None, duplicate_form=None, conflict=None, status=200
):
    can_triage = idea_can_triage(user=request.user, idea=idea)
    context = {
        "conflict": conflict,
        "idea": idea,
        "can_correct": idea_can_correct(user=request.user, idea=idea),
        "participants": idea_participants(idea=idea),
        "visit_visible": idea_visit_visible(idea=idea, user=request.user),
        "duplicates": idea_duplicates(idea=idea, user=request.user),
        "history": idea_history(idea=idea),
        "can_triage": can_triage,
        "next_statuses": [Idea.Status(s).label for s in idea_next_statuses(idea.status)],
        "list_query": request.session.get(LIST_QUERY_KEY, ""),
    }
    if can_triage:
        context["triage_form"] = triage_form or IdeaTriageForm(idea=idea, user=request.user)
        context["duplicate_form"] = duplicate_form or IdeaDuplicateForm(
            visible_ideas=idea_list(user=request.user)
        )
        if not idea.is_duplicate:
            context["similar_ideas"] = ideas_similar_to(idea=idea, user=request.user)
    return render(request, "ideas/idea_detail.html", context, status=status)


@require_GET
def idea_detail(request, pk: int):
    return _render_detail(request, _visible_idea(request, pk))


def _check_may_triage(request, idea):
    if not idea_can_triage(user=request.user, idea=idea):
        raise PermissionDenied(_("You cannot triage this idea."))


def _add_errors(form, error: ValidationError, fallback_field=None):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else fallback_field, field_errors)
    else:
        form.add_error(fallback_field, error)


def _after_triage(request, idea):
    """Back to the idea, or to the list when a manager handed the idea to another unit and can
    no longer see it."""
    if idea_for_detail(user=request.user, pk=idea.pk) is None:
        messages.info(request, _("The idea now belongs to a unit whose ideas you do not see."))
        return redirect("ideas:list")
    return redirect(idea)


@require_POST
def idea_triage_view(request, pk: int):
    idea = _visible_idea(request, pk)
    _check_may_triage(request, idea)
    form = IdeaTriageForm(request.POST, idea=idea, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        revision = data["revision"]
        triage = {
            "theme": data["theme"],
            "owner_unit": data["owner_unit"],
            "status": data["status"],
            "due_on": data["due_on"],
            "official_response": data["official_response"],
            "is_shareable": data.get("is_shareable") if "is_shareable" in form.fields else None,
        }
        try:
            outdated = _save_or_merge(
                request,
                idea,
                form,
                revision,
                lambda **where: idea_triage(by=request.user, **where, **triage),
                _outdated_triage,
            )
            if outdated:
                return outdated
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The idea was saved."))
            return _after_triage(request, idea)
    return _render_detail(request, idea, triage_form=form)


def _save_or_merge(request, idea, form, revision, save, outdated):
    """Save (`save(idea=..., unchanged_since=...)`) over the revision the form was read at. When
    the idea was saved meanwhile: the person's changes merged with the others' (`outdated`'s
    response) if anything the form shows changed, else saved again over the new revision, as
    nothing is lost. None when saved; a ValidationError of the save propagates."""
    try:
        save(idea=idea, unchanged_since=revision.saved_at if revision else None)
    except EditConflict as conflict:
        current = _visible_idea(request, idea.pk)
        merge = merge_saved_changes(form, before=revision.values, now=form.saved_values(current))
        if merge.changes:
            return outdated(request, current, merge)
        save(idea=current, unchanged_since=conflict.current.updated_at)
    return None


def _outdated_triage(request, current, merge):
    """The triage refused because the idea was saved meanwhile: what changed and who saved it,
    and the form with the person's changes and the others' merged, under the new revision."""
    merge.data["revision"] = IdeaTriageForm(idea=current, user=request.user).initial["revision"]
    form = IdeaTriageForm(merge.data, idea=current, user=request.user)
    form.is_valid()
    form.add_error(None, EditConflict(current).messages)
    history = idea_history(idea=current)
    conflict = {"changes": merge.changes, "by": history[0].actor if history else ""}
    return _render_detail(request, current, triage_form=form, conflict=conflict, status=409)


@require_POST
def idea_mark_duplicate_view(request, pk: int):
    idea = _visible_idea(request, pk)
    _check_may_triage(request, idea)
    form = IdeaDuplicateForm(request.POST, visible_ideas=idea_list(user=request.user))
    if form.is_valid():
        try:
            idea_mark_duplicate(idea=idea, original=form.cleaned_data["original"], by=request.user)
        except ValidationError as error:
            _add_errors(form, error, fallback_field="original")
        else:
            messages.success(request, _("The idea was marked as a duplicate."))
            return redirect(idea)
    return _render_detail(request, idea, duplicate_form=form)


def _check_may_correct(request, idea):
    if not idea_can_correct(user=request.user, idea=idea):
        raise PermissionDenied(_("You cannot correct this idea."))


@require_http_methods(["GET", "POST"])
def idea_correct_view(request, pk: int):
    """Correct the idea's title and the client's words (the person who logged it while logging
    is open, and coordinators)."""
    idea = _visible_idea(request, pk)
    _check_may_correct(request, idea)
    if request.method == "GET":
        return _render_correction(request, idea, IdeaCorrectionForm(idea=idea))
    form = IdeaCorrectionForm(request.POST, idea=idea)
    if form.is_valid():
        data = form.cleaned_data
        revision = data["revision"]
        correction = {
            "title": data["title"],
            "text": data["text"],
            "forget_earlier_wording": data["forget_earlier_wording"],
        }
        try:
            outdated = _save_or_merge(
                request,
                idea,
                form,
                revision,
                lambda **where: idea_correct(by=request.user, **where, **correction),
                _outdated_correction,
            )
            if outdated:
                return outdated
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The idea is corrected."))
            return redirect(idea)
    return _render_correction(request, idea, form, status=400)


def _render_correction(request, idea, form, *, conflict=None, status=200):
    context = {"idea": idea, "form": form, "conflict": conflict}
    return render(request, "ideas/idea_edit.html", context, status=status)


def _outdated_correction(request, current, merge):
    """The correction refused because the idea's wording was changed meanwhile: what changed and
    who changed it, and the form with both changes merged, under the new revision."""
    merge.data["revision"] = IdeaCorrectionForm(idea=current).initial["revision"]
    form = IdeaCorrectionForm(merge.data, idea=current)
    form.is_valid()
    form.add_error(None, EditConflict(current).messages)
    history = idea_history(idea=current)
    conflict = {"changes": merge.changes, "by": history[0].actor if history else ""}
    return _render_correction(request, current, form, conflict=conflict, status=409)


@require_http_methods(["GET", "POST"])
def idea_withdraw_view(request, pk: int):
    """Withdraw an idea logged by mistake: asked first, then kept and marked, out of the figures,
    lists and exports."""
    idea = _visible_idea(request, pk)
    if idea.is_withdrawn:
        return render(request, "ideas/idea_withdraw.html", {"idea": idea})
    _check_may_correct(request, idea)
    if request.method == "POST":
        try:
            idea_withdraw(idea=idea, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The idea is withdrawn. It is kept, but it counts nowhere.")
            )
        return redirect(idea)
    return render(request, "ideas/idea_withdraw.html", {"idea": idea})
