"""Each figure's precision, defined once: the leaderboard page and its CSV, the front page, the
campaign report and its workbook all show a figure with the decimals named here, so the same
figure reads the same digits everywhere (README, Leaderboard).

Halves round up (13/14 = 92.857… % → 92.9 %, 0.185 → 0.19). A share is shown and exported as a
percentage (86.7); in a workbook it is the share itself (0.867) formatted as a percentage, so a
spreadsheet calculates with it and still shows 86.7 %.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

EMPTY = "–"


def rounded(value: float | Decimal | None, places: int) -> Decimal | None:
    """`value` to `places` decimals, halves up. The float goes through its shortest decimal
    form, so 0.185 is treated as 0.185 and not as the binary 0.18499999…"""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Precision:
    """How one figure is rounded and written: `places` decimals, as a percentage when `percent`
    (the value is then a share, 0.867)."""

    places: int
    percent: bool = False

    def rounded(self, value: float | Decimal | None) -> Decimal | None:
        """The figure as the CSV and the report's tables carry it: 86.7 for a share of 0.867."""
        if value is None:
            return None
        return rounded(Decimal(str(value)) * 100 if self.percent else value, self.places)

    def text(self, value: float | Decimal | None) -> str:
        """The figure as a page shows it, with the locale's decimal mark; "–" when there is none
        (nothing to divide by)."""
        shown = self.rounded(value)
        if shown is None:
            return EMPTY
        text = number_format(shown, self.places)
        return f"{text} %" if self.percent else text

    def cell(self, value: float | Decimal | None) -> Decimal | None:
        """The figure as a workbook's cell holds it: a percentage as its share (0.867), rounded
        to what `number_format` shows."""
        shown = self.rounded(value)
        if shown is None or not self.percent:
            return shown
        return shown.scaleb(-2)

    @property
    def number_format(self) -> str:
        """The spreadsheet's display format: "0.00", or "0.0%" for a percentage."""
        digits = "0." + "0" * self.places if self.places else "0"
        return digits + "%" if self.percent else digits


# The precision of every figure that is not a whole count.
SCORE = Precision(2)
PARTICIPATION = Precision(1, percent=True)  # visitors ÷ roster; leaders who visited ÷ leaders
VISITS_PER_10 = Precision(1)
IDEA_YIELD = Precision(2)  # ideas per counted visit, raw and adjusted
VISITS_PER_IDEA = Precision(1)
BENEFIT = Precision(1)  # the average of the 1–5 benefit ratings, the visitors' or the clients'
RESPONSE_RATE = Precision(1, percent=True)  # clients who answered ÷ counted visits

PRECISIONS = {
    "score": SCORE,
    "participation": PARTICIPATION,
    "leadership_participation": PARTICIPATION,
    "visits_per_10": VISITS_PER_10,
    "idea_yield": IDEA_YIELD,
    "adjusted_yield": IDEA_YIELD,
    "ideas_per_visit": IDEA_YIELD,
    "visits_per_idea": VISITS_PER_IDEA,
    "benefit": BENEFIT,
    "client_response_rate": RESPONSE_RATE,
}
