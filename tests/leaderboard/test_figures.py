"""One rounding rule for the leaderboard, its CSV, the dashboard and the campaign report."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from campaign.models import Unit
from leaderboard.figures import decimal_text, percent_text, rounded, rounded_percent
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


def test_shares_become_rounded_percentages():
    assert rounded_percent(13 / 14, 1) == Decimal("92.9")
    assert rounded_percent(13 / 14, 0) == Decimal("93")
    assert rounded_percent(0.8125, 1) == Decimal("81.3")
    assert rounded_percent(None) is None


def test_texts_use_the_locales_decimal_mark():
    with translation.override("fi"):
        assert decimal_text(13.57, 1) == "13,6"
        assert percent_text(13 / 14, 1) == "92,9 %"
        assert percent_text(None) == "–"


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
        score=Decimal("13.57"),
        ranked=True,
        rank=1,
    )


def test_leaderboard_cells_and_csv_round_the_same_figures():
    table = StandingsTable([_standing()])
    record = table.data[0]
    row = table.rows[0]
    with translation.override("fi"):
        assert row.get_cell("participation") == "93 %"
        assert row.get_cell("visits_per_10") == "13,6"  # 19 / 14 × 10 = 13.57
        assert row.get_cell("adjusted_yield") == "0,19"
        assert row.get_cell("idea_yield") == "0,16"  # 0.158
    assert table.value_participation(record) == Decimal("92.9")
    assert table.value_visits_per_10(record) == Decimal("13.57")
    assert table.value_adjusted_yield(record) == Decimal("0.189")


def test_template_filters_round_like_the_table():
    template = Template("{% load figures %}{{ share|as_percent }} {{ value|as_decimal:1 }}")
    with translation.override("fi"):
        text = template.render(Context({"share": 13 / 14, "value": 13.57}))
    assert text == "92,9 % 13,6"
