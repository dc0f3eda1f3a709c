"""The campaign report: the campaign's story in figures, read in a fixed number of queries.

Every figure comes from the leaderboard's figures (DESIGN §4), so the report, the leaderboard and
the front page agree: a visit counts by `VisitQuerySet.counted()`, ideas are the non-duplicate
ideas of counted visits, a joint visit counts once for the organisation.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from campaign.exports import xlsx_response, xlsx_sheet, xlsx_workbook
from campaign.models import Campaign, ClientKind
from ideas.models import Idea, IdeaStatus
from leaderboard.figures import rounded, rounded_percent
from leaderboard.selectors import (
    Figures,
    OrganisationFigures,
    UnitStanding,
    organisation_figures,
    report_tallies,
    unit_standings,
)

# From the first step to the last; each stage counts the ideas that got at least that far.
FUNNEL = [
    (_("Received"), tuple(s for s in IdeaStatus.values if s != IdeaStatus.DUPLICATE)),
    (
        _("Reviewed"),
        (
            IdeaStatus.IN_REVIEW,
            IdeaStatus.ACCEPTED,
            IdeaStatus.IN_PROGRESS,
            IdeaStatus.IMPLEMENTED,
            IdeaStatus.DECLINED,
        ),
    ),
    (_("Accepted"), Idea.ACCEPTED_STATUSES),
    (_("In progress or implemented"), (IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED)),
    (_("Implemented"), (IdeaStatus.IMPLEMENTED,)),
]

# The average benefit rating is shown with one decimal wherever it appears.
BENEFIT_PLACES = 1


@dataclass(frozen=True)
class Breakdown:
    label: str
    count: int
    share: int = 0  # percent of the largest count in its list, for the bar beside the number


def _with_bars(rows: list[Breakdown]) -> list[Breakdown]:
    largest = max((row.count for row in rows), default=0)
    return [
        Breakdown(row.label, row.count, round(100 * row.count / largest) if largest else 0)
        for row in rows
    ]


@dataclass(frozen=True)
class ShareableIdea:
    title: str
    text: str
    client: str
    theme: str
    status: str


@dataclass(frozen=True)
class Comparison:
    label: str
    current: float | int | None
    previous: float | int | None
    kind: str = "number"  # "number", "percent" or "decimal"
    places: int = 2  # decimals shown for a "decimal", as in the headline figures above it


@dataclass
class CampaignReport:
    campaign: Campaign
    headline: OrganisationFigures
    clients_by_kind: list[Breakdown]
    clients_by_region: list[Breakdown]
    ideas_by_theme: list[Breakdown]
    ideas_by_status: list[Breakdown]
    funnel: list[Breakdown]
    benefit_ratings: list[Breakdown]
    standings: list[UnitStanding]
    shareable_ideas: list[ShareableIdea]
    shareable_total: int = 0
    previous: Campaign | None = None
    previous_headline: OrganisationFigures | None = None
    comparison: list[Comparison] = field(default_factory=list)


def _comparison(current: OrganisationFigures, previous: OrganisationFigures) -> list[Comparison]:
    rows = [
        (_("Counted visits"), "counted_visits", "number", 0),
        (_("Normal client work"), "normal_client_work", "number", 0),
        (_("Clients reached"), "clients_reached", "number", 0),
        (_("Staff who visited"), "visitors", "number", 0),
        (_("Participation"), "participation", "percent", 1),
        (_("Leaders who visited"), "leaders_visited", "number", 0),
        (_("Development ideas"), "ideas", "number", 0),
        (_("Ideas per visit"), "ideas_per_visit", "decimal", 2),
        (_("Accepted ideas"), "accepted_ideas", "number", 0),
        (_("Average benefit (1–5)"), "average_benefit", "decimal", BENEFIT_PLACES),
    ]
    return [
        Comparison(label, getattr(current, name), getattr(previous, name), kind, places)
        for label, name, kind, places in rows
    ]


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The campaign that ended last before this one started."""
    return (
        Campaign.objects.filter(ends_on__lt=campaign.starts_on).order_by("-ends_on", "-pk").first()
    )


# The report is read on a screen and on paper: it shows the first ideas marked shareable and says
# how many more there are; its Excel file lists them all.
SHAREABLE_ON_PAGE = 12


def shareable_ideas(*, campaign: Campaign, limit: int | None = None) -> list[ShareableIdea]:
    """The campaign's counted ideas marked shareable, by theme and title."""
    ideas = (
        Idea.objects.in_campaign(campaign)
        .counted()
        .filter(is_shareable=True)
        .select_related("visit__client", "theme")
        .order_by("theme__name", "title", "pk")
    )
    return [
        ShareableIdea(
            title=idea.title,
            text=idea.text,
            client=idea.visit.client.name,
            theme=idea.theme.name if idea.theme else "",
            status=idea.get_status_display(),
        )
        for idea in (ideas if limit is None else ideas[:limit])
    ]


def campaign_report(*, campaign: Campaign) -> CampaignReport:
    kind_labels = dict(ClientKind.choices)
    figures = Figures(campaign)
    tallies = report_tallies(campaign=campaign, figures=figures)
    status_counts = tallies.ideas_by_status
    shareable = shareable_ideas(campaign=campaign, limit=SHAREABLE_ON_PAGE)
    report = CampaignReport(
        campaign=campaign,
        headline=organisation_figures(campaign=campaign, figures=figures),
        clients_by_kind=_with_bars(
            [
                Breakdown(str(kind_labels.get(kind, kind)), count)
                for kind, count in tallies.clients_by_kind
            ]
        ),
        clients_by_region=_with_bars(
            [
                Breakdown(region or str(_("No region")), count)
                for region, count in tallies.clients_by_region
            ]
        ),
        ideas_by_theme=_with_bars(
            [
                Breakdown(theme or str(_("No theme yet")), count)
                for theme, count in tallies.ideas_by_theme
            ]
        ),
        ideas_by_status=_with_bars(
            [
                Breakdown(str(label), status_counts.get(value, 0))
                for value, label in IdeaStatus.choices
            ]
        ),
        funnel=_with_bars(
            [
                Breakdown(str(label), sum(status_counts.get(status, 0) for status in statuses))
                for label, statuses in FUNNEL
            ]
        ),
        benefit_ratings=_with_bars(
            [Breakdown(str(rating), count) for rating, count in tallies.benefit_ratings.items()]
        ),
        standings=unit_standings(campaign=campaign, figures=figures),
        shareable_ideas=shareable,
        shareable_total=Idea.objects.in_campaign(campaign)
        .counted()
        .filter(is_shareable=True)
        .count(),
    )
    report.previous = previous_campaign(campaign)
    if report.previous is not None:
        report.previous_headline = organisation_figures(campaign=report.previous)
        report.comparison = _comparison(report.headline, report.previous_headline)
    return report


def percent(value: float | None) -> Decimal | None:
    return rounded_percent(value, 1)


def report_xlsx_response(report: CampaignReport):
    """The report as a workbook, one sheet per section."""
    workbook = xlsx_workbook()
    headline = report.headline
    summary = [
        (_("Counted visits"), headline.counted_visits),
        (_("Normal client work"), headline.normal_client_work),
        (_("Planned visits"), headline.planned),
        (_("Cancelled visits"), headline.cancelled),
        (_("Clients reached"), headline.clients_reached),
        (_("Staff on the roster"), headline.headcount),
        (_("Staff who visited"), headline.visitors),
        (_("Participation %"), percent(headline.participation)),
        (_("Leaders on the roster"), headline.leaders_on_roster),
        (_("Leaders who visited"), headline.leaders_visited),
        (_("Development ideas"), headline.ideas),
        (_("Ideas per visit"), _rounded(headline.ideas_per_visit)),
        (_("Visits per idea"), _rounded(headline.visits_per_idea)),
        (_("Accepted ideas"), headline.accepted_ideas),
        (_("Average benefit (1–5)"), rounded(headline.average_benefit, BENEFIT_PLACES)),
    ]
    xlsx_sheet(
        workbook,
        title=str(_("Summary")),
        header=[_("Figure"), report.campaign.name],
        rows=[(str(label), value) for label, value in summary],
    )
    if report.previous is not None:
        xlsx_sheet(
            workbook,
            title=str(_("Comparison")),
            header=[_("Figure"), report.campaign.name, report.previous.name],
            rows=[
                (
                    str(row.label),
                    _export_value(row.current, row),
                    _export_value(row.previous, row),
                )
                for row in report.comparison
            ],
        )
    sections = [
        (_("Clients by kind"), _("Kind"), _("Clients"), report.clients_by_kind),
        (_("Clients by region"), _("Region"), _("Clients"), report.clients_by_region),
        (_("Ideas by theme"), _("Theme"), _("Ideas"), report.ideas_by_theme),
        (_("Ideas by status"), _("Status"), _("Ideas"), report.ideas_by_status),
        (_("Idea funnel"), _("Stage"), _("Ideas"), report.funnel),
        (_("Benefit ratings"), _("Rating"), _("Visits"), report.benefit_ratings),
    ]
    for title, label, count, rows in sections:
        xlsx_sheet(
            workbook,
            title=str(title),
            header=[label, count],
            rows=[(row.label, row.count) for row in rows],
        )
    xlsx_sheet(
        workbook,
        title=str(_("Leaderboard")),
        header=[
            _("Rank"),
            _("Unit"),
            _("On roster"),
            _("Visits"),
            _("Staff who visited"),
            _("Participation %"),
            _("Leaders who visited"),
            _("Ideas"),
            _("Accepted ideas"),
            _("Ideas per visit"),
            _("Score"),
        ],
        rows=[
            (
                s.rank,
                s.unit.name,
                s.headcount,
                s.visits,
                s.visitors,
                percent(s.participation),
                s.leaders,
                s.ideas,
                s.accepted,
                _rounded(s.idea_yield),
                s.score,
            )
            for s in report.standings
        ],
    )
    xlsx_sheet(
        workbook,
        title=str(_("Shareable ideas")),
        header=[_("Idea"), _("In the client's words"), _("Client"), _("Theme"), _("Status")],
        rows=[
            (idea.title, idea.text, idea.client, idea.theme, idea.status)
            for idea in shareable_ideas(campaign=report.campaign)
        ],
    )
    return xlsx_response(workbook, filename=f"{report.campaign.slug}-report.xlsx")


def _rounded(value: float | None) -> Decimal | None:
    return rounded(value, 2)


def _export_value(value, row: Comparison):
    if row.kind == "percent":
        return percent(value)
    if row.kind == "decimal":
        return rounded(value, row.places)
    return value
