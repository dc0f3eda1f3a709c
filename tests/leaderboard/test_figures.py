"""One precision per figure, the same on the leaderboard, in its CSV, on the front page and in the
campaign report."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from campaign.models import Unit
from leaderboard.figures import (
    IDEA_YIELD,
    PARTICIPATION,
    PRECISIONS,
    SCORE,
    VISITS_PER_10,
    Precision,
    rounded,
)
from leaderboard.selectors import UnitStanding
from leaderboard.tables import StandingsTable


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (13.57, 1, "13.6"),
        (0.189, 2, "0.19"),
        (0.125, 2, "0.13"),  # exactly half: up, not to the even 0.12
        (0.185, 2, "0.19"),  # the float is 0.18499…; its written form is what counts
        (4.18, 1, "4.2"),
        (2.0, 2, "2.00"),
    ],
)
def test_halves_round_up_and_nothing_is_cut_off(value, places, expected):
    assert rounded(value, places) == Decimal(expected)
    assert str(rounded(value, places)) == expected


def test_a_share_is_a_percentage_on_the_page_in_the_csv_and_in_a_workbook():
    assert PARTICIPATION.rounded(13 / 14) == Decimal("92.9")
    assert PARTICIPATION.rounded(0.8125) == Decimal("81.3")
    assert PARTICIPATION.rounded(None) is None
    assert PARTICIPATION.cell(13 / 14) == Decimal("0.929")
    assert PARTICIPATION.number_format == "0.0%"
    assert Precision(0, percent=True).number_format == "0%"
    assert SCORE.number_format == "0.00"
    with translation.override("fi"):
        assert PARTICIPATION.text(13 / 14) == "92,9 %"
        assert PARTICIPATION.text(None) == "–"
        assert VISITS_PER_10.text(13.57) == "13,6"
    with translation.override("en"):
        assert PARTICIPATION.text(1.0) == "100.0 %"


def test_every_figure_of_the_pages_has_a_precision():
    assert set(PRECISIONS) >= {
        "score",
        "participation",
        "visits_per_10",
        "idea_yield",
        "adjusted_yield",
        "ideas_per_visit",
        "visits_per_idea",
        "benefit",
    }


def _standing() -> UnitStanding:
    return UnitStanding(
        unit=Unit(name="Yksikkö A", code="A"),
        headcount=14,
        visits=19,
        visitors=13,
        ideas=3,
        accepted=1,
        leaders=1,
        leaders_on_roster=1,
        idea_yield=3 / 19,
        adjusted_yield=0.189,
        score=Decimal("13.5749"),
        ranked=True,
        rank=1,
    )


def test_leaderboard_cells_and_csv_show_the_same_digits():
    table = StandingsTable([_standing()])
    record = table.data[0]
    row = table.rows[0]
    with translation.override("fi"):
        shown = {
            name: row.get_cell(name)
            for name in ("participation", "visits_per_10", "adjusted_yield", "idea_yield", "score")
        }
    assert shown == {
        "participation": "92,9 %",
        "visits_per_10": "13,6",  # 19 / 14 × 10 = 13.57
        "adjusted_yield": "0,19",
        "idea_yield": "0,16",  # 0.158
        "score": "13,57",
    }
    exported = {name: row.get_cell_value(name) for name in shown}
    assert exported == {
        "participation": Decimal("92.9"),
        "visits_per_10": Decimal("13.6"),
        "adjusted_yield": Decimal("0.19"),
        "idea_yield": Decimal("0.16"),
        "score": Decimal("13.57"),
    }
    assert table.value_score(record) == SCORE.rounded(record.score)
    assert IDEA_YIELD.places == 2


def test_template_filter_uses_the_named_precision():
    template = Template(
        "{% load figures %}"
        '{{ share|as_figure:"participation" }} {{ value|as_figure:"visits_per_10" }}'
    )
    with translation.override("fi"):
        text = template.render(Context({"share": 13 / 14, "value": 13.57}))
    assert text == "92,9 % 13,6"
