"""The challenge feed: one published campaign's aggregate figures, as JSON, version 1.

Every installation serves it and reads the other organisations' feeds with the same schema, so
what a peer sends is checked against exactly what we publish. A feed from a peer is untrusted
input: it is decoded strictly (UTF-8, no NaN, no repeated keys, bounded depth and size),
validated against `SCHEMA` (jsonschema, Draft 2020-12), and turned into a `Feed` whose every text
is free of control characters; templates escape it like any other text. Properties the schema
does not name are ignored, so a later minor addition does not break older readers; a change that
would mislead them takes a new `version`, which older readers refuse. README documents the fields.
"""

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from challenge.models import ERROR_DETAIL_LENGTH, FEED_URL_LENGTH, FetchProblem
from leaderboard.scoring import PER_CAPITA_SIZE

FORMAT = "kylaan-challenge-feed"
VERSION = 1
TEXT_LENGTH = 200
MAX_COUNT = 10**9
# The longest campaign there can be: its dates lie between 2000 and 2099.
MAX_DAYS = 36_525
MAX_WEIGHT = 999.99
# The feed is three levels deep; a little room for what later versions may add.
MAX_NESTING = 8
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")

_TEXT = {"type": "string", "minLength": 1, "maxLength": TEXT_LENGTH}
_URL = {"type": "string", "maxLength": FEED_URL_LENGTH, "pattern": "^https?://"}
_DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_COUNT = {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}
_WEIGHT = {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT}
_SERIES = {"type": "array", "maxItems": MAX_DAYS, "items": _COUNT}
FIGURES = (
    "headcount",
    "counted_visits",
    "visitors",
    "ideas",
    "accepted_ideas",
    "clients_reached",
    "leaders_on_roster",
    "leaders_visited",
)


def _object(**properties) -> dict:
    return {"type": "object", "required": list(properties), "properties": properties}


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Kylään challenge feed",
    **_object(
        format={"const": FORMAT},
        version={"const": VERSION},
        organisation=_TEXT,
        site_url=_URL,
        feed_url=_URL,
        computed_at={"type": "string", "maxLength": 40},
        campaign=_object(
            name=_TEXT,
            slug={"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,80}$"},
            starts_on=_DATE,
            ends_on=_DATE,
            min_minutes={"type": "integer", "minimum": 1, "maximum": 720},
            remote_visits_count={"type": "boolean"},
        ),
        figures=_object(**dict.fromkeys(FIGURES, _COUNT)),
        cumulative=_object(first_day=_DATE, visits=_SERIES, ideas=_SERIES),
        scoring=_object(
            weight_visit=_WEIGHT,
            weight_idea=_WEIGHT,
            weight_accepted=_WEIGHT,
            per_capita={"type": "boolean"},
            per_staff={"const": PER_CAPITA_SIZE},
        ),
    ),
}
Draft202012Validator.check_schema(SCHEMA)
_VALIDATOR = Draft202012Validator(SCHEMA)


class FeedError(Exception):
    """A feed that cannot be used, and why (a `FetchProblem`) in a short text for the page."""

    def __init__(self, problem: FetchProblem, detail: str = ""):
        super().__init__(f"{problem.label}: {detail}" if detail else problem.label)
        self.problem = problem
        self.detail = detail[:ERROR_DETAIL_LENGTH]


@dataclass(frozen=True)
class Feed:
    """One organisation's campaign figures, as read from a feed that passed validation."""

    organisation: str
    site_url: str
    feed_url: str
    computed_at: dt.datetime
    campaign_name: str
    campaign_slug: str
    starts_on: dt.date
    ends_on: dt.date
    min_minutes: int
    remote_visits_count: bool
    headcount: int
    counted_visits: int
    visitors: int
    ideas: int
    accepted_ideas: int
    clients_reached: int
    leaders_on_roster: int
    leaders_visited: int
    cumulative_visits: tuple[int, ...]
    cumulative_ideas: tuple[int, ...]
    weight_visit: Decimal
    weight_idea: Decimal
    weight_accepted: Decimal
    per_capita: bool

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


# --- Reading a feed -----------------------------------------------------------------------------


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _no_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a key is repeated")
    return dict(pairs)


def _too_deep(text: str) -> bool:
    """Whether the arrays and objects of a JSON text go deeper than `MAX_NESTING`."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub("", text)):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > MAX_NESTING:
            return True
    return False


def decode(body: bytes) -> object:
    """The JSON value of a feed's bytes, decoded strictly. The depth is checked first: the decoder
    recurses, and a feed nested thousands deep would end in a RecursionError, which leaves
    CPython 3.11 unable to compile code afterwards."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FeedError(FetchProblem.NOT_JSON, "not UTF-8") from error
    if _too_deep(text):
        raise FeedError(FetchProblem.NOT_JSON, "nested too deeply")
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_repeated_keys)
    except ValueError as error:  # json.JSONDecodeError too
        raise FeedError(FetchProblem.NOT_JSON, str(error)) from error


def _text(value: str, field: str) -> str:
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise FeedError(FetchProblem.INVALID, f"{field}: control or format characters")
    return value.strip()


def _url(value: str, field: str) -> str:
    parts = urlsplit(_text(value, field))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError(FetchProblem.INVALID, f"{field}: not a web address")
    return parts.geturl()


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise FeedError(FetchProblem.INVALID, f"{field}: not a date") from error


def _moment(value: str, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise FeedError(FetchProblem.INVALID, f"{field}: not a date and time") from error
    if moment.tzinfo is None:
        raise FeedError(FetchProblem.INVALID, f"{field}: no time zone")
    return moment


def _weight(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def parse(data: object) -> Feed:
    """The `Feed` in a decoded JSON value; `FeedError` when it does not match the schema."""
    if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") != VERSION:
        raise FeedError(FetchProblem.INVALID, f"version {data.get('version')!r} is not known here")
    error = best_match(_VALIDATOR.iter_errors(data))
    if error is not None:
        where = error.json_path.removeprefix("$.").removeprefix("$") or "feed"
        raise FeedError(FetchProblem.INVALID, f"{where}: {error.message}")
    campaign, figures = data["campaign"], data["figures"]
    cumulative, scoring = data["cumulative"], data["scoring"]
    feed = Feed(
        organisation=_text(data["organisation"], "organisation"),
        site_url=_url(data["site_url"], "site_url"),
        feed_url=_url(data["feed_url"], "feed_url"),
        computed_at=_moment(data["computed_at"], "computed_at"),
        campaign_name=_text(campaign["name"], "campaign.name"),
        campaign_slug=campaign["slug"],
        starts_on=_date(campaign["starts_on"], "campaign.starts_on"),
        ends_on=_date(campaign["ends_on"], "campaign.ends_on"),
        min_minutes=campaign["min_minutes"],
        remote_visits_count=campaign["remote_visits_count"],
        **{name: int(figures[name]) for name in FIGURES},
        cumulative_visits=tuple(int(n) for n in cumulative["visits"]),
        cumulative_ideas=tuple(int(n) for n in cumulative["ideas"]),
        weight_visit=_weight(scoring["weight_visit"]),
        weight_idea=_weight(scoring["weight_idea"]),
        weight_accepted=_weight(scoring["weight_accepted"]),
        per_capita=scoring["per_capita"],
    )
    if not feed.organisation or not feed.campaign_name:
        raise FeedError(FetchProblem.INVALID, "organisation or campaign: empty name")
    if feed.ends_on < feed.starts_on:
        raise FeedError(FetchProblem.INVALID, "campaign: ends before it starts")
    if _date(cumulative["first_day"], "cumulative.first_day") != feed.starts_on:
        raise FeedError(FetchProblem.INVALID, "cumulative.first_day: not the campaign's first day")
    if len(feed.cumulative_visits) != len(feed.cumulative_ideas):
        raise FeedError(FetchProblem.INVALID, "cumulative: visits and ideas of different lengths")
    if len(feed.cumulative_visits) > feed.duration_days:
        raise FeedError(FetchProblem.INVALID, "cumulative: more days than the campaign has")
    return feed


def parse_bytes(body: bytes) -> tuple[object, Feed]:
    """The decoded JSON of a feed's bytes and the `Feed` in it."""
    data = decode(body)
    return data, parse(data)


# --- Writing a feed -----------------------------------------------------------------------------


def plain_text(value: str) -> str:
    """`value` as a feed may carry it: no control or format characters, spaces collapsed, at most
    `TEXT_LENGTH` characters; "?" when nothing is left."""
    kept = "".join(" " if unicodedata.category(char).startswith("C") else char for char in value)
    return " ".join(kept.split())[:TEXT_LENGTH].strip() or "?"


def payload(
    *,
    organisation: str,
    site_url: str,
    feed_url: str,
    computed_at: dt.datetime,
    name: str,
    slug: str,
    starts_on: dt.date,
    ends_on: dt.date,
    min_minutes: int,
    remote_visits_count: bool,
    figures: dict[str, int],
    visits: list[int],
    ideas: list[int],
    weight_visit: Decimal,
    weight_idea: Decimal,
    weight_accepted: Decimal,
    per_capita: bool,
) -> dict:
    """A feed's JSON value; `figures` holds each of `FIGURES`, `visits` and `ideas` the
    cumulative counts of each day from `starts_on`."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "organisation": plain_text(organisation),
        "site_url": site_url,
        "feed_url": feed_url,
        "computed_at": computed_at.isoformat(timespec="seconds"),
        "campaign": {
            "name": plain_text(name),
            "slug": slug,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "min_minutes": min_minutes,
            "remote_visits_count": remote_visits_count,
        },
        "figures": {name: figures[name] for name in FIGURES},
        "cumulative": {"first_day": starts_on.isoformat(), "visits": visits, "ideas": ideas},
        "scoring": {
            "weight_visit": float(weight_visit),
            "weight_idea": float(weight_idea),
            "weight_accepted": float(weight_accepted),
            "per_capita": per_capita,
            "per_staff": PER_CAPITA_SIZE,
        },
    }


def as_json(payload: dict) -> bytes:
    """The feed's bytes as served: compact UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
