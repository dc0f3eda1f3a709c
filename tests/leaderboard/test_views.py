import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import Campaign
from leaderboard.services import figures_refresh
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def rows(response) -> list[str]:
    """The unit codes of the table's rows, in order."""
    return re.findall(r'<tr[^>]* data-unit="([^"]+)"', response.content.decode())


def row_html(response, code: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-unit="{code}"')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def cell(response, code: str, column: str) -> str:
    match = re.search(rf'data-column="{column}"[^>]*>(.*?)</t[dh]>', row_html(response, code), re.S)
    return match.group(1).strip()


@pytest.mark.parametrize("person", ["b2", "a1", "coordinator"])
def test_every_role_sees_the_leaderboard_with_their_own_unit_highlighted(
    client, organisation, person
):
    user = organisation.people[person]
    client.force_login(user)
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    assert rows(response) == ["A", "B", "C", "E", "T"]
    highlighted = [code for code in rows(response) if 'class="is-mine"' in row_html(response, code)]
    assert highlighted == ([user.unit.code] if user.unit.code in rows(response) else [])


def test_own_unit_is_marked_in_text_not_only_by_colour(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Your unit" in row_html(response, "B")
    assert "Your unit" not in row_html(response, "A")


def test_the_score_comes_right_after_the_unit(client, organisation):
    client.force_login(organisation.people["b2"])
    for url in ("/leaderboard/", "/leaderboard/?level=departments"):
        html = client.get(url).content.decode()
        header = re.findall(r'<th[^>]* data-column="([^"]+)"', html[: html.index("</thead>")])
        assert header[:4] == ["rank", "rank_change", "unit", "score"]


def test_own_department_is_marked_as_a_department(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/?level=departments", HTTP_ACCEPT_LANGUAGE="en")
    assert "Your department" in row_html(response, "D1")
    assert "Your unit" not in response.content.decode()


def test_figures_ranks_and_the_unranked_unit(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert [cell(response, code, "rank") for code in rows(response)] == ["1", "2", "2", "4", "–"]
    assert cell(response, "A", "visits") == "3"
    assert cell(response, "A", "visitors") == "4"
    assert cell(response, "A", "participation") == "100.0 %"
    assert cell(response, "A", "ideas") == "3"
    assert cell(response, "A", "idea_yield") == "1.00"
    assert cell(response, "A", "leaders") == "1 / 1"
    assert cell(response, "A", "score") == "40.00"
    assert cell(response, "E", "idea_yield") == "–"


def test_the_score_is_explained_with_the_campaigns_weights(client, organisation):
    campaign = organisation.campaign
    campaign.weight_idea = 5
    campaign.save()
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="en")
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "Score = 1 × counted visits + 5 × ideas + 2 × accepted ideas" in text
    assert "fewer than 3 people" in text


def test_swedish_calls_counted_visits_counted_not_accepted(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="sv")
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "Poäng = 1 × räknade besök + 3 × idéer + 2 × godkända idéer" in text
    assert "Räknade besök" in text
    assert "godkända besök" not in text.lower()


def test_sorting_by_idea_yield(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/?sort=-idea_yield")
    # A 1.0, B 1.0, C 1.0, Tiny 0.0, Empty none; ties keep the ranking order.
    assert rows(response) == ["A", "B", "C", "T", "E"]
    response = client.get("/leaderboard/?sort=-unit")
    assert rows(response) == ["E", "T", "C", "B", "A"]


def sort_links(response) -> dict[str, str]:
    """Each column heading's sort link: column name → the `sort` value it asks for."""
    html = response.content.decode()
    return dict(
        re.findall(r'<th scope="col" data-column="(\w+)".*?[?&]amp;sort=([-\w]+)"', html, re.S)
    )


def test_a_figure_heading_sorts_largest_first_and_a_name_heading_a_to_z(client, organisation):
    client.force_login(organisation.people["b2"])
    links = sort_links(client.get("/leaderboard/?level=units"))
    assert links["idea_yield"] == "-idea_yield"
    assert links["visits"] == "-visits"
    assert links["unit"] == "unit"
    # The column the table is sorted by links to the other direction.
    assert links["rank"] == "-rank"
    links = sort_links(client.get("/leaderboard/?level=units&sort=-idea_yield"))
    assert links["idea_yield"] == "idea_yield"


def test_department_filter_and_department_level(client, organisation):
    client.force_login(organisation.people["b2"])
    d2 = organisation.units["D2"].pk
    assert rows(client.get(f"/leaderboard/?department={d2}")) == ["C", "T"]
    response = client.get("/leaderboard/?level=departments", HTTP_ACCEPT_LANGUAGE="en")
    assert rows(response) == ["D1", "D2"]
    assert cell(response, "D1", "visits") == "4"
    assert 'class="is-mine"' in row_html(response, "D1")


def test_bad_query_strings_show_the_page_with_a_message(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get(
        "/leaderboard/?level=everything&department=abc&sort=nonsense&format=pdf",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert rows(response) == ["A", "B", "C", "E", "T"]
    assert "Select a valid choice" in response.content.decode()


def test_another_campaign_by_its_address_and_an_unknown_one(client, organisation):
    other = CampaignFactory(slug="viime-vuosi")
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/viime-vuosi/")
    assert response.status_code == 200
    assert response.context["campaign"] == other
    assert rows(response) == []
    assert client.get("/leaderboard/ei-ole/").status_code == 404


def test_without_a_campaign(client, staff_member):
    client.force_login(staff_member)
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    assert response.context["campaign"] is None


def test_anonymous_is_sent_to_log_in(client, organisation):
    response = client.get("/leaderboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_csv_export_is_the_same_table_for_finnish_excel(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/?format=csv&sort=-score")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(table) == 1 + 5
    header, first = table[0], dict(zip(table[0], table[1], strict=True))
    assert len(header) == 16
    values = list(first.values())
    # rank, change, unit, score, department, visits, visits per 10, headcount, visitors,
    # participation, ideas, idea yield, adjusted yield, accepted, leaders, leaders on roster:
    # the page's order, with the figures as the page shows them
    assert values[0] == "1"
    assert values[2:7] == ["Yksikkö A", "40,00", "Osasto 1", "3", "7,5"]
    assert values[7:12] == ["4", "4", "100,0", "3", "1,00"]
    assert values[13:] == ["2", "1", "1"]


def test_chart_data_is_cumulative_and_in_the_table_beside_it(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/leaderboard/")
    board = response.context["board"]
    assert len(board.days) == organisation.campaign.duration_days
    assert (board.days[-1].visits, board.days[-1].ideas) == (6, 4)
    chart = response.context["chart"]
    assert len(chart.visits_points.split()) == len(board.days)
    html = response.content.decode()
    assert 'role="img"' in html
    assert html.count('<tr><th scope="row">') == len(board.days)


def test_a_new_counted_visit_changes_the_figures_on_the_next_request(client, organisation):
    client.force_login(organisation.people["c1"])
    assert cell(client.get("/leaderboard/"), "C", "visits") == "1"
    VisitFactory(campaign=organisation.campaign, created_by=organisation.people["c2"])
    response = client.get("/leaderboard/")
    assert cell(response, "C", "visits") == "2"
    assert cell(response, "C", "visitors") == "2"


def test_dashboard_shows_my_units_standing(client, organisation):
    client.force_login(organisation.people["b2"])
    response = client.get("/")
    html = response.content.decode()
    assert re.search(r'data-figure="my-rank">\s*2 / 4\s*<', html)
    assert re.search(r'data-figure="my-unit-visits">2<', html)


def _grow(campaign: Campaign, units: int) -> None:
    """More units, people, visits and ideas, for the query-count test's second size."""
    for n in range(units):
        unit = UnitFactory(code=f"G{n}")
        people = [StaffFactory(unit=unit) for _ in range(3)]
        for person in people:
            RosterEntryFactory(campaign=campaign, staff=person)
        for person in people:
            IdeaFactory(visit=VisitFactory(campaign=campaign, created_by=person))


def _queries(client, url: str) -> tuple[int, int]:
    """Queries of a request, and of the next one."""
    counts = []
    for _run in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    return counts[0], counts[1]


@pytest.mark.parametrize(
    "url", ["/leaderboard/", "/leaderboard/?level=departments", "/leaderboard/?format=csv", "/"]
)
def test_query_count_does_not_grow_with_the_data(client, organisation, url):
    client.force_login(organisation.people["b2"])
    campaign = organisation.campaign
    figures_refresh()
    small = _queries(client, url)
    _grow(campaign, 12)
    figures_refresh()
    large = _queries(client, url)
    assert len(rows(client.get("/leaderboard/"))) == 5 + 12
    assert small == large
    # Session, user, campaign, (the page's) permissions and other campaigns; the figures six.
    assert large[1] == {"/": large[1], "/leaderboard/?format=csv": 9}.get(url, 13)


def test_a_campaign_that_has_not_started_yet(client, staff_member):
    campaign = CampaignFactory(starts_on=timezone.localdate() + dt.timedelta(days=10))
    RosterEntryFactory(campaign=campaign, staff=staff_member)
    client.force_login(staff_member)
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert response.context["board"].days == []
    assert response.context["board"].compared_with is None
    assert rows(response) == [staff_member.unit.code]


def test_unit_names_are_escaped(client, organisation):
    unit = organisation.units["C"]
    unit.name = "<b>C & co</b>"
    unit.save()
    client.force_login(organisation.people["c1"])
    html = row_html(client.get("/leaderboard/"), "C")
    assert "&lt;b&gt;C &amp; co&lt;/b&gt;" in html
    assert "<b>" not in html
