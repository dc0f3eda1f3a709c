"""One rounding rule for every figure shown: the leaderboard page and CSV, the dashboard's standing
and the campaign report. Halves round up (13/14 = 92.857… % → 92.9 %, 0.185 → 0.19), so the same
figure never reads differently in two places beyond the number of decimals shown.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

EMPTY = "–"


def rounded(value: float | Decimal | None, places: int) -> Decimal | None:
    """`value` to `places` decimals, halves up. The float goes through its shortest decimal
    form, so 0.185 is treated as 0.185 and not as the binary 0.18499999…"""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded_percent(share: float | None, places: int = 1) -> Decimal | None:
    """A share (0.9286) as a percentage (92.9)."""
    return None if share is None else rounded(Decimal(str(share)) * 100, places)


def decimal_text(value: float | Decimal | None, places: int = 2) -> str:
    """The rounded figure with the locale's decimal mark; "–" when there is none."""
    return EMPTY if value is None else number_format(rounded(value, places), places)


def percent_text(share: float | None, places: int = 1) -> str:
    return EMPTY if share is None else f"{number_format(rounded_percent(share, places), places)} %"
