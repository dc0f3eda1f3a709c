"""A peer's feed is untrusted input: only a feed that matches the schema in every part is read."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

from challenge import feed
from challenge.feed import FeedError
from challenge.models import FetchProblem
from tests.challenge.samples import as_bytes, peer_payload


def problem_of(body: bytes) -> tuple[FetchProblem, str]:
    with pytest.raises(FeedError) as raised:
        feed.parse_bytes(body)
    return raised.value.problem, raised.value.detail


def changed(path: str, value) -> bytes:
    """The sample feed with the value at a dotted path replaced (or removed, for `...`)."""
    payload = copy.deepcopy(peer_payload())
    *parents, last = path.split(".")
    target = payload
    for name in parents:
        target = target[name]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return as_bytes(payload)


def test_a_good_feed_is_read_with_every_figure():
    data, read = feed.parse_bytes(as_bytes(peer_payload()))

    assert data["organisation"] == "Esimerkkivirasto"
    assert read.organisation == "Esimerkkivirasto"
    assert (read.headcount, read.counted_visits, read.visitors, read.ideas) == (200, 30, 25, 9)
    assert (read.accepted_ideas, read.clients_reached) == (2, 21)
    assert (read.leaders_on_roster, read.leaders_visited) == (8, 5)
    assert read.cumulative_visits == (3, 10, 18, 30)
    assert read.starts_on == dt.date(2026, 3, 2)
    assert read.duration_days == 42
    assert read.weight_idea == Decimal("5.00")
    assert read.min_minutes == 45
    assert read.remote_visits_count is True
    assert read.computed_at.tzinfo is not None


def test_properties_the_schema_does_not_name_are_ignored():
    payload = peer_payload() | {"later_addition": {"anything": [1, 2]}}

    assert feed.parse_bytes(as_bytes(payload))[1].organisation == "Esimerkkivirasto"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"format": "kylaan-challenge-feed",', "Expecting"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "repeated"),
        (b"[" * 100_000 + b"]" * 100_000, "deeply"),
        (b'{"a": ' + b"9" * 5000 + b"}", "digits"),
        (b"", "Expecting"),
    ],
)
def test_bytes_that_are_not_strict_json_are_refused(body, detail):
    problem, said = problem_of(body)

    assert problem == FetchProblem.NOT_JSON
    assert detail in said


@pytest.mark.parametrize(
    ("path", "value", "detail"),
    [
        ("format", "something-else", "format"),
        ("organisation", ..., "organisation"),
        ("organisation", "", "organisation"),
        ("organisation", "x" * 201, "organisation"),
        ("organisation", 42, "organisation"),
        ("figures.counted_visits", -1, "figures.counted_visits"),
        ("figures.counted_visits", 1.5, "figures.counted_visits"),
        ("figures.counted_visits", 10**12, "figures.counted_visits"),
        ("figures.ideas", "9", "figures.ideas"),
        ("figures.headcount", True, "figures.headcount"),
        ("cumulative.visits", [1, -2], "cumulative.visits"),
        ("cumulative.visits", "1,2,3", "cumulative.visits"),
        ("campaign.starts_on", "2.3.2026", "campaign.starts_on"),
        ("campaign.slug", "../../etc", "campaign.slug"),
        ("scoring.weight_idea", 1e6, "scoring.weight_idea"),
        ("scoring.per_staff", 100, "scoring.per_staff"),
        ("site_url", "javascript:alert(1)", "site_url"),
        ("campaign", [], "campaign"),
    ],
)
def test_a_feed_that_does_not_match_the_schema_is_refused_saying_where(path, value, detail):
    problem, said = problem_of(changed(path, value))

    assert problem == FetchProblem.INVALID
    assert detail in said, said


@pytest.mark.parametrize(
    ("path", "value", "detail"),
    [
        ("organisation", "Virasto\u202e", "control or format"),
        ("organisation", "Virasto\x07", "control or format"),
        ("campaign.name", "Line\nbreak", "control or format"),
        ("campaign.starts_on", "2026-02-30", "not a date"),
        ("campaign.ends_on", "2026-03-01", "ends before it starts"),
        ("computed_at", "2026-03-02T10:00:00", "no time zone"),
        ("computed_at", "yesterday", "not a date and time"),
        ("cumulative.first_day", "2026-03-03", "first day"),
        ("cumulative.ideas", [1, 2], "different lengths"),
        ("site_url", "https://", "not a web address"),
    ],
)
def test_values_the_schema_lets_through_are_checked_too(path, value, detail):
    problem, said = problem_of(changed(path, value))

    assert problem == FetchProblem.INVALID
    assert detail in said


def test_more_days_than_the_campaign_has_are_refused():
    payload = peer_payload(visits=list(range(43)))

    assert problem_of(as_bytes(payload)) == (
        FetchProblem.INVALID,
        "cumulative: more days than the campaign has",
    )


def test_a_later_version_is_refused_by_name():
    problem, said = problem_of(changed("version", 2))

    assert problem == FetchProblem.INVALID
    assert said == "version 2 is not known here"


def test_the_detail_of_a_refusal_is_short_whatever_the_peer_sent():
    problem, said = problem_of(changed("organisation", "<script>" * 10_000))

    assert problem == FetchProblem.INVALID
    assert len(said) <= 300


def test_our_own_feed_bytes_read_back_as_the_same_value():
    payload = peer_payload()

    assert json.loads(feed.as_json(payload)) == payload
    assert feed.parse_bytes(feed.as_json(payload))[0] == payload


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("Virasto\tja\nlaitos", "Virasto ja laitos"),
        ("\u202eVirasto", "Virasto"),
        ("x" * 300, "x" * 200),
        ("\x07", "?"),
    ],
)
def test_our_own_texts_are_made_to_fit_the_schema(written, sent):
    payload = peer_payload(organisation=written)

    assert payload["organisation"] == sent
    assert feed.parse(payload).organisation == sent


def test_brackets_inside_texts_are_no_nesting():
    payload = peer_payload(organisation='Virasto [[[[{{{{[[[[{{{{ \\" ]]')

    assert feed.parse_bytes(as_bytes(payload))[1].organisation.startswith("Virasto [[[[")


def test_nesting_is_refused_before_the_decoder_recurses():
    payload = peer_payload() | {"later_addition": [[[[[[[[[0]]]]]]]]]}

    assert problem_of(as_bytes(payload)) == (FetchProblem.NOT_JSON, "nested too deeply")
