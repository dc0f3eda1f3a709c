"""The campaign report against a small campaign whose figures are worked out by hand."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from ideas.models import Idea
from leaderboard.services import figures_refresh
from pages.report import campaign_report
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    ThemeFactory,
    UnitFactory,
    VisitFactory,
)
from visits.models import ClientFeedback, Visit

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def story():
    """Unit A: three on the roster (a1 leads), unit B: two. Three counted visits (one joint),
    one too short, one planned, one cancelled. Ideas: three, one duplicate, one from the short
    visit that does not count."""
    campaign = CampaignFactory(slug="tama", name="Tämä kampanja", starts_on=START)
    unit_a, unit_b = UnitFactory(name="A", code="A"), UnitFactory(name="B", code="B")
    a1 = StaffFactory(unit=unit_a, is_leadership=True, first_name="Salainen", last_name="Nimi")
    a2, a3 = StaffFactory(unit=unit_a), StaffFactory(unit=unit_a)
    b1, b2 = StaffFactory(unit=unit_b), StaffFactory(unit=unit_b)
    for person in (a1, a2, a3, b1, b2):
        RosterEntryFactory(campaign=campaign, staff=person)
    c1 = ClientFactory(name="Espoon kaupunki", kind="municipality", region="Uusimaa")
    c2 = ClientFactory(name="Mieli ry", kind="ngo", region="Pirkanmaa")
    c3 = ClientFactory(name="Tampere", kind="municipality", region="Pirkanmaa")
    t1, t2 = ThemeFactory(name="Avoin data"), ThemeFactory(name="Tilastot")

    v1 = VisitFactory(campaign=campaign, client=c1, created_by=a1, benefit_rating=5)
    v2 = VisitFactory(
        campaign=campaign, client=c1, created_by=a2, participants=[a2, b1], benefit_rating=4
    )
    VisitFactory(campaign=campaign, client=c2, created_by=b1, benefit_rating=None)
    short = VisitFactory(campaign=campaign, client=c3, created_by=a3, minutes=30, benefit_rating=2)
    VisitFactory(
        campaign=campaign,
        client=c3,
        created_by=a3,
        status=Visit.Status.PLANNED,
        visited_on=START + dt.timedelta(days=20),
    )
    VisitFactory(campaign=campaign, client=c3, created_by=a3, status=Visit.Status.CANCELLED)

    first = IdeaFactory(visit=v1, theme=t1, status=Idea.Status.NEW)
    IdeaFactory(
        visit=v1,
        theme=t1,
        title="Yhteinen teemaviikkojen kalenteri",
        text="Toivomme yhteistä vuosikalenteria.",
        status=Idea.Status.IMPLEMENTED,
        is_shareable=True,
    )
    IdeaFactory(visit=v2, theme=t2, status=Idea.Status.ACCEPTED)
    IdeaFactory(visit=v2, status=Idea.Status.DUPLICATE, duplicate_of=first, is_shareable=True)
    IdeaFactory(visit=short, status=Idea.Status.NEW)

    previous = CampaignFactory(slug="edellinen", starts_on=START - dt.timedelta(days=365))
    VisitFactory(campaign=previous, client=c1, created_by=a1, benefit_rating=3)
    CampaignFactory(slug="seuraava", starts_on=START + dt.timedelta(days=365))
    return campaign


def test_headline_figures(story):
    h = campaign_report(campaign=story).headline
    assert h.counted_visits == 3
    assert h.normal_client_work == 1
    assert (h.planned, h.cancelled) == (1, 1)
    assert h.clients_reached == 2
    assert (h.headcount, h.visitors) == (5, 3)
    assert h.participation == pytest.approx(0.6)
    assert (h.leaders_on_roster, h.leaders_visited) == (1, 1)
    assert (h.ideas, h.accepted_ideas) == (3, 2)
    assert h.ideas_per_visit == pytest.approx(1.0)
    assert h.average_benefit == pytest.approx(4.5)


def test_breakdowns(story):
    report = campaign_report(campaign=story)
    assert {(b.label, b.count) for b in report.clients_by_kind} == {
        ("Municipality", 1),
        ("NGO", 1),
    }
    assert {(b.label, b.count) for b in report.clients_by_region} == {
        ("Uusimaa", 1),
        ("Pirkanmaa", 1),
    }
    assert [(b.label, b.count) for b in report.ideas_by_theme] == [
        ("Avoin data", 2),
        ("Tilastot", 1),
    ]
    assert {(b.label, b.count) for b in report.ideas_by_status if b.count} == {
        ("New", 1),
        ("Accepted", 1),
        ("Implemented", 1),
        ("Duplicate", 1),
    }
    assert [b.count for b in report.funnel] == [3, 2, 2, 1, 1]
    assert [b.share for b in report.funnel] == [100, 67, 67, 33, 33]
    assert [b.count for b in report.benefit_ratings] == [0, 0, 0, 1, 1]


def test_leaderboard_and_shareable_ideas(story):
    report = campaign_report(campaign=story)
    standings = {s.unit.code: s for s in report.standings}
    assert (standings["A"].visits, standings["A"].visitors, standings["A"].rank) == (2, 2, 1)
    assert (standings["B"].visits, standings["B"].rank) == (2, None)  # below the minimum size
    assert [(i.title, i.client, i.theme) for i in report.shareable_ideas] == [
        ("Yhteinen teemaviikkojen kalenteri", "Espoon kaupunki", "Avoin data")
    ]


def test_comparison_with_the_campaign_that_ended_before(story):
    report = campaign_report(campaign=story)
    assert report.previous.slug == "edellinen"
    rows = {row.label: (row.current, row.previous) for row in report.comparison}
    assert rows["Counted visits"] == (3, 1)
    assert rows["Development ideas"] == (3, 0)
    assert rows["Average benefit (1–5)"] == (pytest.approx(4.5), pytest.approx(3.0))
    assert rows["Ideas per visit"] == (pytest.approx(1.0), 0.0)


def test_report_page_shows_the_story_without_staff_names(client, coordinator, story):
    client.force_login(coordinator)
    response = client.get(
        reverse("campaigns:report", args=[story.slug]), headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    text = response.text
    assert 'data-figure="counted-visits">3<' in text
    assert 'data-figure="participation">60.0 %<' in text
    assert "Toivomme yhteistä vuosikalenteria." in text
    assert 'data-table="comparison"' in text
    shareable = text[text.index('id="shareable-heading"') :]
    assert "Salainen" not in shareable


def test_the_average_benefit_has_one_precision_on_the_whole_page(client, coordinator, story):
    client.force_login(coordinator)
    response = client.get(
        reverse("campaigns:report", args=[story.slug]), headers={"accept-language": "en"}
    )
    text = response.text
    assert 'data-figure="average-benefit">4.5<' in text
    comparison = text[text.index('data-table="comparison"') :]
    start = comparison.index("Average benefit")
    row = comparison[start : comparison.index("</tr>", start)]
    assert '<td class="number">4.5</td><td class="number">3.0</td>' in row


def _leaderboard_heading(client, campaign) -> str:
    text = client.get(
        reverse("campaigns:report", args=[campaign.slug]), headers={"accept-language": "en"}
    ).text
    return text[text.index('id="leaderboard-heading">') :].split(">", 1)[1].split("<", 1)[0]


def test_the_leaderboard_is_final_only_once_logging_has_closed(client, coordinator):
    client.force_login(coordinator)
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    running = CampaignFactory(starts_on=today - 3 * day, ends_on=today + 3 * day)
    in_grace_days = CampaignFactory(starts_on=today - 30 * day, ends_on=today - day, grace_days=7)
    closed = CampaignFactory(starts_on=today - 60 * day, ends_on=today - 30 * day, grace_days=7)
    for campaign in (running, in_grace_days):
        heading = _leaderboard_heading(client, campaign)
        assert heading.startswith("Leaderboard on ")
        assert str(today.year) in heading
    assert _leaderboard_heading(client, closed) == "Final leaderboard"


def test_visits_per_idea_is_labelled_as_a_figure(client, coordinator, story):
    client.force_login(coordinator)
    text = client.get(
        reverse("campaigns:report", args=[story.slug]), headers={"accept-language": "en"}
    ).text
    assert "<dt>Visits per idea</dt>" in text
    assert "One idea in every" not in text


def test_report_in_finnish_by_default(client, coordinator, story):
    client.force_login(coordinator)
    response = client.get(reverse("campaigns:report", args=[story.slug]))
    assert "Kampanjaraportti: Tämä kampanja" in response.text
    assert "Tavallista asiakastyötä" in response.text


def test_report_exports_as_xlsx_one_sheet_per_section(client, coordinator, story):
    client.force_login(coordinator)
    response = client.get(
        reverse("campaigns:report", args=[story.slug]),
        {"format": "xlsx"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tama-report.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [
        "Summary",
        "Comparison",
        "Clients by kind",
        "Clients by region",
        "Ideas by theme",
        "Ideas by status",
        "Idea funnel",
        "Benefit ratings",
        "Leaderboard",
        "Shareable ideas",
    ]
    summary = {row[0].value: row[1] for row in workbook["Summary"].iter_rows()}
    assert summary["Counted visits"].value == 3
    # A percentage is a number a spreadsheet calculates with, shown as the page shows it.
    assert summary["Participation"].value == 0.6
    assert summary["Participation"].number_format == "0.0%"
    assert summary["Ideas per visit"].number_format == "0.00"
    assert summary["Average benefit (1–5)"].number_format == "0.0"
    ratings = list(workbook["Benefit ratings"].iter_rows(values_only=True))
    assert [row[0] for row in ratings[1:]] == [1, 2, 3, 4, 5]
    # Columns are as wide as their contents: the longest label fits.
    longest = max(len(label) for label in summary)
    assert workbook["Summary"].column_dimensions["A"].width >= longest
    comparison = list(workbook["Comparison"].iter_rows(values_only=True))
    assert comparison[1] == ("Counted visits", 3, 1)
    shared = list(workbook["Shareable ideas"].iter_rows(values_only=True))
    assert shared[1][:3] == (
        "Yhteinen teemaviikkojen kalenteri",
        "Toivomme yhteistä vuosikalenteria.",
        "Espoon kaupunki",
    )


def test_unknown_format_shows_the_page(client, coordinator, story):
    client.force_login(coordinator)
    response = client.get(reverse("campaigns:report", args=[story.slug]), {"format": "pdf'"})
    assert response.status_code == 200
    assert "report" in response.context


def test_report_runs_a_fixed_number_of_queries(client, coordinator, story):
    client.force_login(coordinator)
    url = reverse("campaigns:report", args=[story.slug])

    def queries(**params):
        figures_refresh()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, params)
            if params:
                b"".join(response.streaming_content)
        return len(context)

    few, few_xlsx = queries(), queries(format="xlsx")
    for i in range(15):
        unit = UnitFactory(code=f"X{i}")
        person = StaffFactory(unit=unit)
        RosterEntryFactory(campaign=story, staff=person)
        visit = VisitFactory(
            campaign=story, created_by=person, client=ClientFactory(region=f"Alue {i}")
        )
        IdeaFactory(visit=visit, theme=ThemeFactory(), is_shareable=True)
    assert queries() == few
    assert queries(format="xlsx") == few_xlsx


def _page_cells(html: str, code: str, columns) -> dict[str, str]:
    start = html.index(f'data-unit="{code}"')
    row = html[start : html.index("</tr>", start)]
    cells = {}
    for column in columns:
        match = re.search(rf'data-column="{column}"[^>]*>(.*?)</t[dh]>', row, re.S)
        cells[column] = re.sub(r"\s*%$", "", match.group(1).strip())
    return cells


def test_the_page_the_csv_and_the_report_agree_digit_for_digit(client, coordinator, story):
    """Participation 2 / 3, yields and scores that need rounding: the leaderboard page, its CSV,
    the report page and its workbook show the same digits."""
    story.min_unit_size = 1
    story.save()
    client.force_login(coordinator)
    columns = ("participation", "idea_yield", "score")
    finnish = {"accept-language": "fi"}
    board = client.get(f"/leaderboard/{story.slug}/", headers=finnish).content.decode()
    report = client.get(reverse("campaigns:report", args=[story.slug]), headers=finnish)
    report_html = report.content.decode()
    csv_response = client.get(f"/leaderboard/{story.slug}/", {"format": "csv"}, headers=finnish)
    table = list(
        csv.reader(
            io.StringIO(b"".join(csv_response.streaming_content).decode().lstrip("\ufeff")),
            delimiter=";",
        )
    )
    xlsx = client.get(
        reverse("campaigns:report", args=[story.slug]),
        {"format": "xlsx"},
        headers={"accept-language": "en"},
    )
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["Leaderboard"]
    workbook = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    positions = {"participation": 9, "idea_yield": 11, "score": 3}  # the CSV's columns
    sheet_positions = {"participation": 5, "idea_yield": 9, "score": 10}
    by_name = {row[2]: row for row in table[1:]}
    for code, name in (("A", "A"), ("B", "B")):
        shown = _page_cells(board, code, columns)
        assert _page_cells(report_html, code, columns) == shown
        assert {column: by_name[name][positions[column]] for column in columns} == shown
        for column in columns:
            cell = workbook[name][sheet_positions[column]]
            places = len(cell.number_format.split(".")[1].rstrip("%"))
            value = cell.value * 100 if cell.number_format.endswith("%") else cell.value
            assert f"{value:.{places}f}".replace(".", ",") == shown[column]
    # Unit A: 2 of its 3 visited; 2 visits, 3 ideas, 2 accepted: (2 + 3 × 3 + 2 × 2) × 10 / 3.
    assert _page_cells(board, "A", columns) == {
        "participation": "66,7",
        "idea_yield": "1,50",
        "score": "50,00",
    }


def _clients_answer(campaign):
    """The clients of the story's visits answer: 3 on the visit its visitor rated 5, 5 on the one
    rated 4, 4 on the counted visit nobody rated, and 1 on the short visit, which does not count."""
    visits = {v.benefit_rating: v for v in Visit.objects.filter(campaign=campaign, minutes=60)}
    short = Visit.objects.get(campaign=campaign, minutes=30)
    done = Visit.objects.filter(campaign=campaign, status=Visit.Status.DONE)
    answers = {visits[5]: 3, visits[4]: 5, done.get(benefit_rating=None): 4, short: 1}
    for visit, rating in answers.items():
        ClientFeedback.objects.create(
            visit=visit, benefit_rating=rating, language="fi", answered_at=visit.created_at
        )


def test_the_clients_benefit_beside_the_visitors(story):
    _clients_answer(story)
    benefit = campaign_report(campaign=story).benefit
    assert benefit.visits == 3
    assert benefit.client_ratings == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert benefit.client_average == 4.0
    assert benefit.client_response_rate == 1.0
    assert benefit.visitor_average == 4.5
    assert (benefit.rated_both, benefit.both_visitor_average, benefit.both_client_average) == (
        2, 4.5, 4.0,
    )  # fmt: skip
    assert (benefit.client_higher, benefit.client_same, benefit.client_lower) == (1, 0, 1)


def test_the_report_page_and_workbook_show_the_clients_benefit(client, coordinator, story):
    _clients_answer(story)
    client.force_login(coordinator)
    url = reverse("campaigns:report", args=[story.slug])
    text = client.get(url, headers={"accept-language": "en"}).text
    assert 'data-figure="client-benefit">4.0<' in text
    assert 'data-figure="visitor-benefit">4.5<' in text
    assert 'data-figure="client-response-rate">100.0' in text
    assert "more useful than the visitor on 1, as useful on 0 and less useful on 1" in text

    response = client.get(url, {"format": "xlsx"}, headers={"accept-language": "en"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Average benefit for the clients (1–5)"] == 4
    assert summary["Clients who answered"] == 3
    assert summary["Client response rate"] == 1
    assert summary["Client rated higher"] == 1
    ratings = list(workbook["Benefit ratings"].iter_rows(values_only=True))
    assert ratings[0] == ("Rating", "Visitors", "Clients")
    assert ratings[1:] == [(1, 0, 0), (2, 0, 0), (3, 0, 1), (4, 1, 1), (5, 1, 1)]
    comparison = {row[0]: row[1:] for row in workbook["Comparison"].iter_rows(values_only=True)}
    assert comparison["Average benefit for the clients (1–5)"] == (4, None)


def test_the_leaderboard_shows_the_clients_benefit(client, coordinator, story):
    _clients_answer(story)
    client.force_login(coordinator)
    text = client.get(story.get_absolute_url(), headers={"accept-language": "en"}).text
    assert 'data-figure="client-benefit">4.0<' in text
    assert 'data-figure="client-answers">3 of 3<' in text


def test_the_page_shows_the_first_shareable_ideas_and_the_excel_file_all(
    client, coordinator, story
):
    visit = Idea.objects.get(title="Yhteinen teemaviikkojen kalenteri").visit
    for i in range(14):
        IdeaFactory(visit=visit, title=f"Jaettava {i:02}", is_shareable=True)
    report = campaign_report(campaign=story)
    assert len(report.shareable_ideas) == 12
    assert report.shareable_total == 15
    client.force_login(coordinator)
    url = reverse("campaigns:report", args=[story.slug])
    page = client.get(url, headers={"accept-language": "en"}).text
    assert "The first 12 of 15 ideas marked shareable are shown here" in page
    response = client.get(url, {"format": "xlsx"}, headers={"accept-language": "en"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Shareable ideas"]
    assert sheet.max_row == 1 + 15
