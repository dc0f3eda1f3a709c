from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from campaign.exports import csv_response
from campaign.models import Campaign
from campaign.selectors import campaign_current
from leaderboard.charts import progress_chart
from leaderboard.forms import StandingsFilterForm
from leaderboard.selectors import DEPARTMENTS, LEVELS, UNITS, leaderboard_page
from leaderboard.tables import StandingsTable

ALL_FIGURES = "all"


def index(request):
    """The current campaign's leaderboard."""
    campaign = campaign_current()
    if campaign is None:
        return render(request, "leaderboard/leaderboard.html", {"campaign": None})
    return _leaderboard(request, campaign)


def campaign_leaderboard(request, slug):
    return _leaderboard(request, get_object_or_404(Campaign, slug=slug))


def _leaderboard(request, campaign):
    level = request.GET.get("level") if request.GET.get("level") in LEVELS else UNITS
    board = leaderboard_page(campaign=campaign, level=level)
    departments = {s.unit.department for s in board.standings if level == UNITS} or {
        s.unit for s in board.standings
    }
    form = StandingsFilterForm(
        request.GET or None, departments=sorted(departments, key=lambda u: u.name)
    )
    standings = board.standings
    department = form.cleaned_data["department"] if form.is_valid() else None
    if department:
        standings = [s for s in standings if department in (s.unit.pk, s.unit.parent_id)]
    mine = {request.user.unit_id}
    if level == DEPARTMENTS:
        mine = {board.department_of(request.user.unit_id)}
    if level == DEPARTMENTS:
        caption = _("Departments of %(campaign)s, units rolled up") % {"campaign": campaign}
    else:
        caption = _("Units of %(campaign)s") % {"campaign": campaign}
    all_figures = request.GET.get("figures") == ALL_FIGURES
    table = StandingsTable(
        standings,
        mine=mine,
        caption=caption,
        department_level=level == DEPARTMENTS,
        all_figures=all_figures,
    )
    RequestConfig(request, paginate=False).configure(table)
    if request.GET.get("format") == "csv":
        today = timezone.localdate()
        return csv_response(
            filename=f"leaderboard-{campaign.slug}-{level}-{today:%Y-%m-%d}.csv",
            header=table.csv_header(),
            rows=table.csv_rows(),
        )
    query = request.GET.copy()
    query["format"] = "csv"
    # On a phone each unit is a card with its key figures; this shows all of them, or again only
    # the key ones.
    figures_query = request.GET.copy()
    figures_query.pop("figures", None)
    if not all_figures:
        figures_query["figures"] = ALL_FIGURES
    return render(
        request,
        "leaderboard/leaderboard.html",
        {
            "campaign": campaign,
            "board": board,
            "table": table,
            "form": form,
            "level": level,
            "csv_query": query.urlencode(),
            "figures_query": figures_query.urlencode(),
            "all_figures": all_figures,
            "chart": progress_chart(
                days=board.days, starts_on=campaign.starts_on, ends_on=campaign.ends_on
            ),
            "today": timezone.localdate(),
            "other_campaigns": Campaign.objects.exclude(pk=campaign.pk).only(
                "name", "name_sv", "name_en", "slug"
            ),
        },
    )
