"""The campaign report: the campaign's story in figures, read in a fixed number of queries.

Every figure comes from the leaderboard's figures (DESIGN §4), so the report, the leaderboard and
the front page agree: a visit counts by `VisitQuerySet.counted()`, ideas are the non-duplicate
ideas of counted visits, a joint visit counts once for the organisation.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from campaign.exports import Formatted, XlsxSheet, fitted_widths, xlsx_response
from campaign.models import Campaign, ClientKind
from ideas import selectors as idea_selectors
from ideas.models import Idea, IdeaStatus
from leaderboard.figures import (
    BENEFIT,
    IDEA_YIELD,
    PARTICIPATION,
    RESPONSE_RATE,
    SCORE,
    VISITS_PER_IDEA,
    Precision,
)
from leaderboard.selectors import (
    BenefitFigures,
    Figures,
    OrganisationFigures,
    UnitStanding,
    benefit_figures,
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


@dataclass(frozen=True)
class Breakdown:
    label: str | int  # a benefit rating is its number, 1–5
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
    precision: Precision | None = None  # None for a count


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
    benefit: BenefitFigures
    standings: list[UnitStanding]
    shareable_ideas: list[ShareableIdea]
    shareable_total: int = 0
    previous: Campaign | None = None
    previous_headline: OrganisationFigures | None = None
    comparison: list[Comparison] = field(default_factory=list)


def _comparison(current: OrganisationFigures, previous: OrganisationFigures) -> list[Comparison]:
    rows = [
        (_("Counted visits"), "counted_visits", None),
        (_("Normal client work"), "normal_client_work", None),
        (_("Clients reached"), "clients_reached", None),
        (_("Staff who visited"), "visitors", None),
        (_("Participation"), "participation", PARTICIPATION),
        (_("Leaders who visited"), "leaders_visited", None),
        (_("Development ideas"), "ideas", None),
        (_("Ideas per visit"), "ideas_per_visit", IDEA_YIELD),
        (_("Accepted ideas"), "accepted_ideas", None),
        (_("Average benefit (1–5)"), "average_benefit", BENEFIT),
        (_("Average benefit for the clients (1–5)"), "average_client_benefit", BENEFIT),
        (_("Client response rate"), "client_response_rate", RESPONSE_RATE),
    ]
    return [
        Comparison(label, getattr(current, name), getattr(previous, name), precision)
        for label, name, precision in rows
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
    ideas = idea_selectors.shareable_ideas(campaign=campaign)
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
            [Breakdown(rating, count) for rating, count in tallies.benefit_ratings.items()]
        ),
        benefit=benefit_figures(campaign=campaign, figures=figures),
        standings=unit_standings(campaign=campaign, figures=figures),
        shareable_ideas=shareable,
        shareable_total=idea_selectors.shareable_ideas(campaign=campaign).count(),
    )
    report.previous = previous_campaign(campaign)
    if report.previous is not None:
        report.previous_headline = organisation_figures(campaign=report.previous)
        report.comparison = _comparison(report.headline, report.previous_headline)
    return report


def _cell(value, precision: Precision | None):
    """A figure as the workbook holds it: a count as it is, any other with its one precision
    and display format (a percentage as a share formatted "0.0%")."""
    if precision is None:
        return value
    return Formatted(precision.cell(value), precision.number_format)


def _sheet(title, header, rows) -> XlsxSheet:
    """A sheet of the report, its columns as wide as their contents."""
    rows = [list(row) for row in rows]
    header = [str(name) for name in header]
    return XlsxSheet(title=str(title), header=header, rows=rows, widths=fitted_widths(header, rows))


def report_xlsx_response(report: CampaignReport):
    """The report as a workbook, one sheet per section: every figure a typed number, shown with
    the precision it has on the page, columns as wide as their contents."""
    sheets = []
    headline = report.headline
    benefit = report.benefit
    summary = [
        (_("Counted visits"), headline.counted_visits, None),
        (_("Normal client work"), headline.normal_client_work, None),
        (_("Planned visits"), headline.planned, None),
        (_("Cancelled visits"), headline.cancelled, None),
        (_("Clients reached"), headline.clients_reached, None),
        (_("Staff on the roster"), headline.headcount, None),
        (_("Staff who visited"), headline.visitors, None),
        (_("Participation"), headline.participation, PARTICIPATION),
        (_("Leaders on the roster"), headline.leaders_on_roster, None),
        (_("Leaders who visited"), headline.leaders_visited, None),
        (_("Development ideas"), headline.ideas, None),
        (_("Ideas per visit"), headline.ideas_per_visit, IDEA_YIELD),
        (_("Visits per idea"), headline.visits_per_idea, VISITS_PER_IDEA),
        (_("Accepted ideas"), headline.accepted_ideas, None),
        (_("Average benefit (1–5)"), headline.average_benefit, BENEFIT),
        (_("Average benefit for the clients (1–5)"), benefit.client_average, BENEFIT),
        (_("Clients who answered"), benefit.client_answers, None),
        (_("Client response rate"), benefit.client_response_rate, RESPONSE_RATE),
        (_("Visits rated by both"), benefit.rated_both, None),
        (_("Visitors' average on those"), benefit.both_visitor_average, BENEFIT),
        (_("Clients' average on those"), benefit.both_client_average, BENEFIT),
        (_("Client rated higher"), benefit.client_higher, None),
        (_("Client rated the same"), benefit.client_same, None),
        (_("Client rated lower"), benefit.client_lower, None),
    ]
    sheets.append(
        _sheet(
            _("Summary"),
            [_("Figure"), report.campaign.local_name],
            [(str(label), _cell(value, precision)) for label, value, precision in summary],
        )
    )
    if report.previous is not None:
        sheets.append(
            _sheet(
                _("Comparison"),
                [_("Figure"), report.campaign.local_name, report.previous.local_name],
                [
                    (
                        str(row.label),
                        _cell(row.current, row.precision),
                        _cell(row.previous, row.precision),
                    )
                    for row in report.comparison
                ],
            )
        )
    sections = [
        (_("Clients by kind"), _("Kind"), _("Clients"), report.clients_by_kind),
        (_("Clients by region"), _("Region"), _("Clients"), report.clients_by_region),
        (_("Ideas by theme"), _("Theme"), _("Ideas"), report.ideas_by_theme),
        (_("Ideas by status"), _("Status"), _("Ideas"), report.ideas_by_status),
        (_("Idea funnel"), _("Stage"), _("Ideas"), report.funnel),
    ]
    for title, label, count, rows in sections:
        sheets.append(_sheet(title, [label, count], [(row.label, row.count) for row in rows]))
    sheets.append(
        _sheet(
            _("Benefit ratings"), [_("Rating"), _("Visitors"), _("Clients")], benefit.distribution
        )
    )
    sheets.append(
        _sheet(
            _("Leaderboard"),
            [
                _("Rank"),
                _("Unit"),
                _("On roster"),
                _("Visits"),
                _("Staff who visited"),
                _("Participation"),
                _("Leaders who visited"),
                _("Ideas"),
                _("Accepted ideas"),
                _("Ideas per visit"),
                _("Score"),
            ],
            [
                (
                    s.rank,
                    s.unit.name,
                    s.headcount,
                    s.visits,
                    s.visitors,
                    _cell(s.participation, PARTICIPATION),
                    s.leaders,
                    s.ideas,
                    s.accepted,
                    _cell(s.idea_yield, IDEA_YIELD),
                    _cell(s.score, SCORE),
                )
                for s in report.standings
            ],
        )
    )
    sheets.append(
        _sheet(
            _("Shareable ideas"),
            [_("Idea"), _("In the client's words"), _("Client"), _("Theme"), _("Status")],
            [
                (idea.title, idea.text, idea.client, idea.theme, idea.status)
                for idea in shareable_ideas(campaign=report.campaign)
            ],
        )
    )
    return xlsx_response(filename=f"{report.campaign.slug}-report.xlsx", sheets=sheets)
