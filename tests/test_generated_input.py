"""No input gives a server error, and a refused submission changes nothing: generated input sent
to every page, form and list or JSON endpoint, as each role.

Nothing here names a page or a field. The pages come from the URLconf (tests/urlwalk.py); the
fields from the forms each page renders and from the query and form keys each endpoint reads
(recorded while it answers a first request), so a page, form or endpoint added later is covered
by itself. Each endpoint first gets each kind of bad input in every field at once, the worst two
in each free-text key of a query string alone, and no fields at all. Then Hypothesis sends a
bounded number of requests that start from what its form would send and change about half of the
fields: values left out or repeated, NUL bytes, very long and unusual Unicode text, negative and
huge numbers, malformed dates, ids of other objects and values that are no id at all. A request
fails the test when it gets a server error, when a refused POST (any answer but a redirect) has
changed a row, or when a change it made is audited without the address it came from.

Set HYPOTHESIS_EXAMPLES to send more requests per endpoint (the default keeps `make test` quick).
"""

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection
from django.http import QueryDict
from django.test import Client as Browser
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from campaign.models import Client
from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS
from ideas.models import Idea
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
from tests.urlwalk import NOT_ASSESSED, Samples, page_paths
from visits.models import Visit

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "0")) or None
# HYPOTHESIS_EXAMPLES=20 for a thorough run; the sweep above sends every kind of bad input anyway.
GET_EXAMPLES = EXAMPLES or 2
POST_EXAMPLES = EXAMPLES or 4
PATH_EXAMPLES = EXAMPLES or 2
# Rows that a refused request may write: sessions, failed-login records, the leaderboard's
# stored figures, a cache that reading a page refills, and the cache table (where the client
# feedback requests are counted).
MAY_CHANGE = ("django_session", "axes_", "leaderboard_", "kylaan_cache")


# --- The world and its viewers ------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A running current campaign with visits and ideas of every kind, an earlier campaign, and
    one person in each role."""
    today = dt.date.today()
    department = UnitFactory(name="Osasto", code="OS")
    unit = UnitFactory(name="Tilastot", code="TIL", parent=department)
    other = UnitFactory(name="Viestintä", code="VIE")
    running = CampaignFactory(
        name="Käynnissä",
        slug="kaynnissa",
        is_current=True,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
    )
    running.themes.add(ThemeFactory(name="Tietopalvelut"))
    CampaignFactory(name="Edellinen", slug="edellinen")
    people = {
        "staff": StaffFactory(username="gen-staff", unit=unit, role=STAFF),
        "manager": StaffFactory(username="gen-manager", unit=unit, role=UNIT_MANAGERS),
        "coordinator": StaffFactory(username="gen-coordinator", unit=other, role=COORDINATORS),
    }
    outsider = StaffFactory(username="gen-outsider", unit=other, role=STAFF)
    for person in [*people.values(), outsider]:
        RosterEntryFactory(campaign=running, staff=person, unit=person.unit)
    client = ClientFactory(name="Tampereen kaupunki", business_id="0211675-2")
    ClientFactory(name="Tampereen seudun kunnat")
    on_day = today - dt.timedelta(days=2)
    for person in [*people.values(), outsider]:
        done = VisitFactory(campaign=running, client=client, created_by=person, visited_on=on_day)
        IdeaFactory(visit=done, owner_unit=unit)
        IdeaFactory(visit=done, status=Idea.Status.IN_REVIEW, due_on=today)
        VisitFactory(
            campaign=running,
            created_by=person,
            status=Visit.Status.PLANNED,
            visited_on=today + dt.timedelta(days=3),
        )
        VisitFactory(
            campaign=running, created_by=person, status=Visit.Status.CANCELLED, visited_on=on_day
        )
    return people


# --- What a page's forms send -------------------------------------------------------------------


@dataclass
class Endpoint:
    """Where requests go, and the keys they carry: each with the values its form sends by
    default and the values the form offers."""

    method: str
    path: str
    source: str = ""
    defaults: dict[str, list[str]] = field(default_factory=dict)
    offered: dict[str, set[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)

    def offer(self, name: str, value: str | None = None) -> None:
        self.offered.setdefault(name, set())
        if value is not None:
            self.offered[name].add(value)


class FormReader(HTMLParser):
    """The forms of a page: method, action and fields, with default and offered values. The
    fields of a <template> (a blank row for scripts to copy) are not sent, so they are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.form = None
        self.select = None
        self.textarea = None
        self.template_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        if tag == "form":
            self.form = {
                "method": attrs.get("method", "get").upper(),
                "action": attrs.get("action", ""),
                "fields": [],
            }
            self.forms.append(self.form)
        elif self.form is not None and tag in ("input", "button", "select", "textarea"):
            self._field(tag, attrs)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))
            if "selected" in attrs:
                self.select["value"].append(attrs.get("value", ""))

    def _field(self, tag, attrs):
        name = attrs.get("name")
        if not name:
            return
        kind = attrs.get("type", "text" if tag == "input" else tag).lower()
        item = {"name": name, "kind": kind, "value": [], "options": []}
        if tag == "select":
            self.select = item
        elif tag == "textarea":
            self.textarea = item
        elif kind in ("checkbox", "radio"):
            item["options"].append(attrs.get("value", "on"))
            if "checked" in attrs:
                item["value"].append(attrs.get("value", "on"))
        elif kind in ("submit", "button", "image"):
            item["options"].append(attrs.get("value", ""))
        elif kind != "file":
            item["value"].append(attrs.get("value", ""))
        self.form["fields"].append(item)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["value"] = [
                self.textarea["value"][0] + data if self.textarea["value"] else data
            ]

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and not self.textarea["value"]:
                self.textarea["value"] = [""]
            self.textarea = None
        elif tag == "form":
            self.form = None


def _ours(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return not path.lstrip("/").startswith(NOT_ASSESSED)


def read_forms(page_path: str, html: str, endpoints: dict, *, only=None) -> None:
    """Add the forms of the page to `endpoints`; with `only`, just refresh that endpoint's
    defaults (a hidden revision or token changes with every save)."""
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        target = urlsplit(urljoin(page_path, form["action"] or page_path))
        if target.netloc or not _ours(target.path):
            continue
        method = "POST" if form["method"] == "POST" else "GET"
        key = (method, target.path)
        if only is not None:
            if key == (only.method, only.path):
                only.defaults = {}
                endpoint = only
            else:
                continue
        else:
            endpoint = endpoints.setdefault(key, Endpoint(method, target.path, page_path))
        for item in form["fields"]:
            name = item["name"]
            if item["kind"] == "file":
                endpoint.files.add(name)
                continue
            if item["kind"] in ("select", "checkbox", "radio"):
                endpoint.choices.add(name)
            if item["kind"] in ("submit", "button", "image", "checkbox", "radio"):
                for value in item["options"]:
                    endpoint.offer(name, value)
            if item["value"]:
                endpoint.defaults.setdefault(name, []).extend(item["value"])
            for value in item["value"] + item["options"]:
                endpoint.offer(name, value)
        if only is not None:
            return


class RecordingQueryDict(QueryDict):
    """request.GET or request.POST that notes every key the code asks for, also through its
    copies: the names an endpoint reads although no form on a page sends them."""

    def __init__(self, source: QueryDict, read: set, *, mutable: bool = False):
        super().__init__(mutable=True, encoding=source.encoding)
        for key, values in source.lists():
            self.setlist(key, values)
        self._mutable = mutable
        self.read = read

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.read.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def __deepcopy__(self, memo):
        return RecordingQueryDict(self, self.read, mutable=True)

    def copy(self):
        return self.__deepcopy__({})


def read_keys(monkeypatch, send) -> tuple[set[str], object]:
    """The query and form keys the view reads while answering `send()`, and the answer."""
    read: set[str] = set()
    post = WSGIRequest.POST
    with monkeypatch.context() as patch:
        patch.setattr(
            WSGIRequest,
            "GET",
            property(
                lambda request: RecordingQueryDict(
                    QueryDict(request.environ.get("QUERY_STRING", ""), encoding=request.encoding),
                    read,
                )
            ),
        )
        patch.setattr(
            WSGIRequest,
            "POST",
            property(lambda request: RecordingQueryDict(post.fget(request), read)),
        )
        response = send()
    return read, response


# --- Generated values ---------------------------------------------------------------------------

LONG = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", "ä", "😀", "\x00", " ", "=1+1", "9", "<b>", "\u202e", "\ufeff"]),
    st.integers(150, 25_000),
)
NUMBERS = st.one_of(
    st.integers(min_value=-3, max_value=3).map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["1.5", "-0", "1e309", "NaN", "inf", "0x1f", "²", "٣", " 7 ", "1_000"]),
)
DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.dates().map(lambda day: f"{day.day}.{day.month}.{day.year}"),
    st.sampled_from(
        ["2026-02-30", "31.12.9999", "1.1.1901", "0000-00-00", "2026-13-01", "10000-01-01", "T"]
    ),
)
ODD = st.sampled_from(["", " ", "[]", "{}", "null", "None", "on", "true", "\x00", "'", "%00"])


# One of each kind of bad input, for the sweep that puts it in every field at once. The first
# two also go into each free-text key of a query string alone, the others as the page sends them,
# so that another key's error cannot stop the request before the view reads it (views read query
# strings by hand more often than forms, which validate every field).
EVERY_FIELD = ["\x00", "²", "x" * 5_001, "abc", "-1", "9" * 30]
ONE_FIELD = EVERY_FIELD[:2]


def values_for(endpoint: Endpoint, name: str, ids: list[str]):
    """A value for one field: one the form offers, an id, or one of each kind of bad input, each
    kind about as likely as the others."""
    known = sorted(endpoint.offered.get(name, set()) | set(endpoint.defaults.get(name, [])))
    kinds = [st.sampled_from(known)] if known else []
    return st.one_of(*kinds, st.sampled_from(ids), st.text(max_size=60), LONG, NUMBERS, DATES, ODD)


CELLS = st.one_of(st.text(max_size=40), NUMBERS, DATES, ODD)
UPLOADS = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(["tiedosto.csv", "tiedosto.xlsx", "tiedosto.txt", "tiedosto"]),
    st.one_of(
        st.binary(max_size=3000),
        st.lists(st.lists(CELLS, max_size=5), max_size=6).map(
            lambda rows: "\n".join(";".join(row) for row in rows).encode()
        ),
    ),
)


# --- Checks -------------------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        table
        for table in connection.introspection.table_names()
        if not table.startswith(MAY_CHANGE)
    )


def snapshot(tables: list[str]) -> dict[str, str]:
    """A digest of every row of every table that a refused request must leave alone."""
    parts = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t)"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def consume(response) -> None:
    """A streamed export runs its query while it is read: read it to the end."""
    if response.streaming:
        b"".join(response.streaming_content)


@dataclass
class Checker:
    tables: list[str]

    def send(self, client, method, path, data):
        shown = {name: value if len(str(value)) < 120 else "…" for name, value in data.items()}
        described = f"{method} {path} {shown}"
        if method == "GET":
            response = client.get(path, data)
            consume(response)
            assert response.status_code < 500, described
            return
        before = snapshot(self.tables)
        last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.post(path, data)
        consume(response)
        assert response.status_code < 500, described
        if not 300 <= response.status_code < 400:
            changed = [
                name for name, digest in snapshot(self.tables).items() if digest != before[name]
            ]
            assert not changed, (
                f"{described}: refused ({response.status_code}) but changed {changed}"
            )
        unaddressed = LogEntry.objects.filter(pk__gt=last_entry, remote_addr__isnull=True)
        assert not unaddressed.exists(), f"{described}: audited without the address"


# --- The test -----------------------------------------------------------------------------------

HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "phases": [Phase.generate, Phase.shrink],
    "suppress_health_check": list(HealthCheck),
}


def _paths(user) -> list[str]:
    paths, unresolved = page_paths(Samples.for_user(user) if user else None)
    assert not unresolved, unresolved
    return paths


def _object_ids() -> list[str]:
    """Ids of every visit, idea and client, whoever may see them, and ids of nothing."""
    ids = [
        *Visit.objects.values_list("pk", flat=True),
        *Idea.objects.values_list("pk", flat=True),
        *Client.objects.values_list("pk", flat=True),
    ]
    return [str(pk) for pk in ids] + ["0", "-1", "999999999", str(2**63), str(uuid.uuid4())]


@pytest.mark.parametrize("role", ["anonymous", "staff", "manager", "coordinator"])
def test_no_generated_input_gives_a_server_error_or_a_partial_write(world, role, monkeypatch):
    user = world.get(role)
    browser = Browser(HTTP_ACCEPT_LANGUAGE="fi", REMOTE_ADDR="10.9.8.7")

    def as_viewer():
        if user is None:
            browser.logout()
        else:
            browser.force_login(user)

    endpoints: dict[tuple[str, str], Endpoint] = {}
    paths = _paths(user)
    for path in paths:
        as_viewer()
        read, response = read_keys(monkeypatch, lambda path=path: browser.get(path))
        endpoint = endpoints.setdefault(("GET", path), Endpoint("GET", path))
        for name in read:
            endpoint.offer(name)
        consume(response)
        if response.get("Content-Type", "").startswith("text/html"):
            read_forms(path, response.content.decode(), endpoints)
    for endpoint in [e for e in endpoints.values() if e.method == "POST"]:
        as_viewer()
        read, _response = read_keys(
            monkeypatch, lambda endpoint=endpoint: browser.post(endpoint.path, endpoint.defaults)
        )
        for name in read:
            endpoint.offer(name)

    assert any(e.method == "POST" for e in endpoints.values()) or user is None
    checker = Checker(tables=_tables())
    ids = _object_ids()
    for endpoint in sorted(endpoints.values(), key=lambda e: (e.method, e.path)):
        refresh(endpoint, browser, as_viewer)
        sweep(endpoint, browser, as_viewer, checker)
        refresh(endpoint, browser, as_viewer)
        fuzz(endpoint, browser, as_viewer, checker, ids)
    for path in (p for p in paths if any(c.isdigit() for c in p)):
        fuzz_ids(path, browser, as_viewer, checker, ids)


def refresh(endpoint: Endpoint, browser, as_viewer) -> None:
    """The form's defaults as its page shows them now: earlier requests may have saved."""
    if not endpoint.source:
        return
    as_viewer()
    response = browser.get(endpoint.source)
    consume(response)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        read_forms(endpoint.source, response.content.decode(), {}, only=endpoint)


def sweep(endpoint: Endpoint, browser, as_viewer, checker: Checker) -> None:
    """Each kind of bad input in every field at once, the first kinds in each free-text key of a
    query string alone, and no fields at all."""
    names = sorted(set(endpoint.offered) | set(endpoint.defaults))
    free = [name for name in names if name not in endpoint.choices]
    requests = [dict.fromkeys(names, value) for value in EVERY_FIELD]
    if endpoint.method == "GET":
        requests += [endpoint.defaults | {name: value} for name in free for value in ONE_FIELD]
    for sent in [*requests, {}]:
        as_viewer()
        for name in endpoint.files:
            sent[name] = SimpleUploadedFile("tiedosto.csv", str(sent.get(name, "")).encode())
        checker.send(browser, endpoint.method, endpoint.path, sent)


def fuzz(endpoint: Endpoint, browser, as_viewer, checker: Checker, ids: list[str]) -> None:
    names = sorted(set(endpoint.offered) | set(endpoint.defaults) | endpoint.files)
    if not names:
        return  # nothing to vary: the sweep sent it
    # Each request changes about half of the fields, so a form with many gets more requests.
    examples = max(POST_EXAMPLES if endpoint.method == "POST" else GET_EXAMPLES, len(names) // 2)

    @settings(max_examples=examples, **HYPOTHESIS)
    @given(data=st.data())
    def send_generated(data):
        as_viewer()
        sent = {name: list(values) for name, values in endpoint.defaults.items()}
        for name in names:
            if data.draw(st.booleans(), label=f"change {name}"):
                if name in endpoint.files:
                    sent[name] = data.draw(UPLOADS, label=name)
                    continue
                how = data.draw(st.sampled_from(["leave out", "one", "repeat"]), label=name)
                if how == "leave out":
                    sent.pop(name, None)
                else:
                    size = 1 if how == "one" else data.draw(st.integers(2, 3))
                    sent[name] = data.draw(
                        st.lists(values_for(endpoint, name, ids), min_size=size, max_size=size),
                        label=name,
                    )
        checker.send(browser, endpoint.method, endpoint.path, sent)

    send_generated()


def fuzz_ids(path: str, browser, as_viewer, checker: Checker, ids: list[str]) -> None:
    """The page again with the object in its address replaced by another one, or by none."""

    @settings(max_examples=PATH_EXAMPLES, **HYPOTHESIS)
    @given(replacement=st.one_of(st.sampled_from(ids), st.integers(0, 2**64).map(str)))
    def send_other_object(replacement):
        as_viewer()
        parts = [replacement if part.isdigit() else part for part in path.split("/")]
        checker.send(browser, "GET", "/".join(parts), {})

    send_other_object()
