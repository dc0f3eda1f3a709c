import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Client
from campaign.roles import COORDINATORS
from ideas.models import Idea
from ideas.services import idea_triage
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    StaffFactory,
    ThemeFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("ideas:list")


def listed_ids(client, query=""):
    """Every idea id the list shows for the query string, page by page, in the order shown."""
    ids, page = [], 1
    while True:
        separator = "&" if query else ""
        response = client.get(f"{LIST}?{query}{separator}page={page}")
        assert response.status_code == 200
        table = response.context["table"]
        ids += [row.record.pk for row in table.paginated_rows]
        if not table.page.has_next():
            return ids
        page += 1


# --- list: who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("staff_member", {"own", "unit", "owned"}),
        ("unit_manager", {"own", "unit", "owned"}),
        ("coordinator", {"own", "unit", "owned", "foreign"}),
    ],
)
def test_the_list_shows_each_role_its_ideas(client, world, request, user_fixture, expected):
    client.force_login(request.getfixturevalue(user_fixture))
    names = {name: getattr(world, name).pk for name in ("own", "unit", "owned", "foreign")}
    assert set(listed_ids(client)) == {names[name] for name in expected}


def test_anonymous_is_sent_to_login(client, world):
    for url in [
        LIST,
        reverse("ideas:detail", args=[world.own.pk]),
        reverse("ideas:export_csv"),
        reverse("ideas:export_xlsx"),
        reverse("ideas:export_by_owner"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- list: filters, sorting, bad input ----------------------------------------------------------


@pytest.fixture
def varied(campaign, coordinator, unit, other_unit):
    """Ideas that differ in every filtered field."""
    statistics = ThemeFactory(name="Tilastot")
    training = ThemeFactory(name="Koulutus")
    ministry = ClientFactory(name="Ministeriö", kind=Client.Kind.MINISTRY_AGENCY, region="Uusimaa")
    town = ClientFactory(
        name="Oulun kaupunki", kind=Client.Kind.MUNICIPALITY, region="Pohjois-Pohjanmaa"
    )
    collector = StaffFactory(unit=other_unit)
    early = VisitFactory(
        campaign=campaign, client=ministry, visited_on=campaign.starts_on, created_by=collector
    )
    late = VisitFactory(
        campaign=campaign, client=town, visited_on=campaign.starts_on + dt.timedelta(days=20)
    )
    previous = CampaignFactory(starts_on=dt.date(2025, 3, 3))
    return {
        "a": IdeaFactory(visit=early, title="Tilastopalvelu", theme=statistics, owner_unit=unit),
        "b": IdeaFactory(
            visit=late, title="Koulutuspäivä", theme=training, status=Idea.Status.IN_REVIEW
        ),
        "c": IdeaFactory(visit=late, title="Avoin data", text="Kuntatason tiedot avoimiksi"),
        "old": IdeaFactory(visit=VisitFactory(campaign=previous), title="Vanha idea"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a", "b", "c"}),
        ("campaign=", {"a", "b", "c", "old"}),
        ("theme={statistics}", {"a"}),
        ("theme=null", {"c"}),
        ("status=in_review", {"b"}),
        ("owner_unit={unit}", {"a"}),
        ("owner_unit=null", {"b", "c"}),
        ("collecting_unit={other_unit}", {"a"}),
        ("client_kind=municipality", {"b", "c"}),
        ("region=Uusimaa", {"a"}),
        ("collected_from={late}", {"b", "c"}),
        ("collected_to={early}", {"a"}),
        ("q=kuntatason+AVOIN", {"c"}),
        ("q=ministeriö", {"a"}),
    ],
)
def test_each_filter_narrows_the_list(
    client, coordinator, varied, unit, other_unit, query, expected
):
    client.force_login(coordinator)
    query = query.format(
        statistics=varied["a"].theme_id,
        unit=unit.pk,
        other_unit=other_unit.pk,
        late=varied["b"].visit.visited_on.isoformat(),
        early=varied["a"].visit.visited_on.isoformat(),
    )
    assert set(listed_ids(client, query)) == {varied[key].pk for key in expected}


def test_sorting_by_a_column_is_stable_and_reversible(client, coordinator, varied):
    client.force_login(coordinator)
    by_title = listed_ids(client, "sort=title")
    assert by_title == [varied[k].pk for k in ("c", "b", "a")]
    assert listed_ids(client, "sort=-title") == list(reversed(by_title))


@pytest.mark.parametrize(
    "query",
    [
        "campaign=abc",
        "theme=999999",
        "collected_from=31.31.2026",
        "sort=nonsense",
        "status=<script>",
        "owner_unit=99999999999999999999999",
    ],
)
def test_bad_query_strings_never_break_the_list(client, coordinator, varied, query):
    client.force_login(coordinator)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1].replace(
        "&lt;script&gt;", ""
    )


@pytest.mark.parametrize(("per_page", "shown"), [("-1", 25), ("0", 25), ("3", 3), ("1000", 100)])
def test_the_page_size_asked_for_stays_within_one_to_a_hundred(
    client, coordinator, campaign, per_page, shown
):
    visit = VisitFactory(campaign=campaign)
    Idea.objects.bulk_create(
        Idea(visit=visit, title=f"Idea {n}", created_by=visit.created_by) for n in range(130)
    )
    client.force_login(coordinator)
    response = client.get(LIST, {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["table"].paginated_rows) == shown


def test_a_word_of_digits_python_cannot_read_as_a_number_is_searched_as_text(
    client, coordinator, varied
):
    client.force_login(coordinator)
    response = client.get(LIST, {"q": "²"})
    assert response.status_code == 200
    assert list(response.context["table"].paginated_rows) == []


def test_a_bad_filter_value_is_explained_next_to_the_field(client, coordinator, varied):
    client.force_login(coordinator)
    response = client.get(f"{LIST}?collected_from=31.31.2026")
    assert response.context["filter"].form.errors["collected_from"]
    assert list(response.context["table"].paginated_rows) == []


def test_the_list_runs_a_fixed_number_of_queries(client, coordinator, campaign):
    client.force_login(coordinator)
    units = [UnitFactory() for _ in range(3)]
    themes = [ThemeFactory() for _ in range(3)]
    staff = [StaffFactory(unit=unit) for unit in units]

    def make(count):
        Idea.objects.all().delete()
        for n in range(count):
            people = [staff[n % 3], staff[(n + 1) % 3]]
            visit = VisitFactory(campaign=campaign, created_by=people[0], participants=people)
            IdeaFactory(visit=visit, theme=themes[n % 3], owner_unit=units[n % 3])

    counts = []
    for size in (10, 30):
        make(size)
        client.get(LIST)  # the first visit also stores the list's filters in the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
            assert len(response.context["table"].paginated_rows) == min(size, 25)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "visible"),
    [
        ("staff_member", {"own", "unit", "owned"}),
        ("unit_manager", {"own", "unit", "owned"}),
        ("coordinator", {"own", "unit", "owned", "foreign"}),
    ],
)
def test_detail_is_a_404_for_ideas_one_may_not_see(client, world, request, user_fixture, visible):
    client.force_login(request.getfixturevalue(user_fixture))
    for name in ("own", "unit", "owned", "foreign"):
        idea = getattr(world, name)
        response = client.get(reverse("ideas:detail", args=[idea.pk]))
        assert response.status_code == (200 if name in visible else 404), name
        if name in visible:
            assert idea.title in response.content.decode()


def test_detail_of_an_unknown_or_huge_id_is_a_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/ideas/999999/").status_code == 404
    assert client.get("/ideas/99999999999999999999999/").status_code == 404


def test_detail_shows_the_visit_client_duplicates_and_readable_history(
    client, coordinator, campaign
):
    owner = UnitFactory(name="Tietopalvelut", code="TPA")
    idea = IdeaFactory(visit__campaign=campaign, visit__client__name="Lahden kaupunki")
    duplicate = IdeaFactory(title="Sama idea toisaalta")
    idea_triage(
        idea=idea,
        by=coordinator,
        theme=None,
        owner_unit=owner,
        status=Idea.Status.IN_REVIEW,
        due_on=None,
        official_response="Selvitämme.",
    )
    client.force_login(coordinator)
    client.post(reverse("ideas:mark_duplicate", args=[duplicate.pk]), {"original": idea.pk})

    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Lahden kaupunki" in page
    assert "Sama idea toisaalta" in page
    assert str(coordinator) in page
    assert "Uusi → Käsittelyssä" in page
    assert "– → Tietopalvelut" in page


def test_only_triagers_see_the_triage_form(client, world, unit_manager, staff_member):
    client.force_login(unit_manager)
    assert (
        f'action="/ideas/{world.owned.pk}/triage/"'
        in client.get(reverse("ideas:detail", args=[world.owned.pk])).content.decode()
    )
    assert (
        "/triage/" not in client.get(reverse("ideas:detail", args=[world.unit.pk])).content.decode()
    )
    client.force_login(staff_member)
    assert (
        "/triage/" not in client.get(reverse("ideas:detail", args=[world.own.pk])).content.decode()
    )


# --- triage -------------------------------------------------------------------------------------


def triage_data(idea, **changes):
    data = {
        "theme": idea.theme_id or "",
        "owner_unit": idea.owner_unit_id or "",
        "status": idea.status,
        "due_on": "",
        "official_response": idea.official_response,
    }
    return data | changes


@pytest.mark.parametrize(
    ("user_fixture", "target", "expected"),
    [
        ("coordinator", "foreign", 302),
        ("coordinator", "own", 302),
        ("unit_manager", "owned", 302),
        ("unit_manager", "unit", 403),
        ("unit_manager", "foreign", 404),
        ("staff_member", "own", 403),
        ("staff_member", "unit", 403),
        ("staff_member", "foreign", 404),
    ],
)
def test_triage_permission_matrix(client, world, request, user_fixture, target, expected):
    client.force_login(request.getfixturevalue(user_fixture))
    idea = getattr(world, target)
    response = client.post(
        reverse("ideas:triage", args=[idea.pk]), triage_data(idea, status="in_review")
    )
    assert response.status_code == expected
    idea.refresh_from_db()
    assert idea.status == ("in_review" if expected == 302 else "new")


def test_triage_saves_and_says_so(client, coordinator, world, unit):
    client.force_login(coordinator)
    theme = ThemeFactory(name="Tilastot")
    response = client.post(
        reverse("ideas:triage", args=[world.foreign.pk]),
        triage_data(
            world.foreign,
            theme=theme.pk,
            owner_unit=unit.pk,
            status="in_review",
            due_on="2026-06-30",
            official_response="Kiitos, selvitämme.",
            is_shareable="on",
        ),
        follow=True,
    )
    assert "Idea tallennettiin." in response.content.decode()
    world.foreign.refresh_from_db()
    assert (world.foreign.theme, world.foreign.owner_unit, world.foreign.due_on) == (
        theme,
        unit,
        dt.date(2026, 6, 30),
    )
    assert world.foreign.is_shareable


def test_triage_and_marking_a_duplicate_record_who_and_from_which_address(
    client, coordinator, world
):
    client.force_login(coordinator)
    follower = IdeaFactory(visit=world.unit.visit)
    client.post(
        reverse("ideas:mark_duplicate", args=[follower.pk]),
        {"original": world.own.pk},
        REMOTE_ADDR="10.20.30.40",
    )
    client.post(
        reverse("ideas:mark_duplicate", args=[world.own.pk]),
        {"original": world.foreign.pk},
        REMOTE_ADDR="10.20.30.40",
    )
    client.post(
        reverse("ideas:triage", args=[world.foreign.pk]),
        triage_data(world.foreign, status="in_review"),
        REMOTE_ADDR="10.20.30.40",
    )
    client.post(
        reverse("visits:withdraw", args=[world.foreign.visit_id]), REMOTE_ADDR="10.20.30.40"
    )
    entries = LogEntry.objects.filter(action=LogEntry.Action.UPDATE)
    assert {(e.object_pk, e.content_type.model) for e in entries} == {
        (str(follower.pk), "idea"),
        (str(world.own.pk), "idea"),
        (str(world.foreign.pk), "idea"),
        (str(world.foreign.visit_id), "visit"),
    }
    assert {(e.actor, e.remote_addr) for e in entries} == {(coordinator, "10.20.30.40")}


def test_triage_on_an_outdated_form_is_refused_showing_what_changed_and_losing_nothing(
    client, coordinator, world, unit
):
    idea = world.foreign
    client.force_login(coordinator)
    opened = client.get(reverse("ideas:detail", args=[idea.pk])).context["triage_form"]
    mine = triage_data(
        idea,
        status="in_review",
        official_response="Selvitämme.",
        revision=opened.initial["revision"],
    )
    other = StaffFactory(username="toinen-koordinaattori", role=COORDINATORS)
    idea_triage(
        idea=Idea.objects.get(pk=idea.pk),
        by=other,
        theme=None,
        owner_unit=unit,
        status=idea.status,
        due_on=None,
        official_response="",
    )

    refused = client.post(reverse("ideas:triage", args=[idea.pk]), mine)

    assert refused.status_code == 409
    assert "Tallennettu välillä" in refused.content.decode()
    [change] = refused.context["conflict"]["changes"]
    assert (change.saved, change.yours_kept) == (unit.name, False)
    form = refused.context["triage_form"]
    assert form["owner_unit"].value() == str(unit.pk)
    assert form["official_response"].value() == "Selvitämme."
    idea.refresh_from_db()
    assert (idea.status, idea.owner_unit, idea.official_response) == ("new", unit, "")

    again = client.post(reverse("ideas:triage", args=[idea.pk]), form.data)
    assert again.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.owner_unit, idea.official_response) == (
        "in_review",
        unit,
        "Selvitämme.",
    )


def test_an_illegal_jump_is_refused_next_to_the_status_and_input_is_kept(
    client, coordinator, world
):
    client.force_login(coordinator)
    response = client.post(
        reverse("ideas:triage", args=[world.own.pk]),
        triage_data(world.own, status="implemented", official_response="Tehty jo"),
    )
    assert response.status_code == 200
    form = response.context["triage_form"]
    assert "Uusi" in form.errors["status"][0]
    assert "Toteutettu" in form.errors["status"][0]
    page = response.content.decode()
    assert "Tehty jo" in page
    assert 'id="id_status_error"' in page
    world.own.refresh_from_db()
    assert world.own.status == "new"


def test_the_status_list_offers_only_the_allowed_steps(client, coordinator, world):
    client.force_login(coordinator)
    response = client.get(reverse("ideas:detail", args=[world.own.pk]))
    offered = [
        value for value, _label in response.context["triage_form"].fields["status"].widget.choices
    ]
    assert offered == ["new", "in_review", "declined"]


def test_a_unit_manager_gets_no_report_flag(client, unit_manager, world):
    client.force_login(unit_manager)
    response = client.get(reverse("ideas:detail", args=[world.owned.pk]))
    assert "is_shareable" not in response.context["triage_form"].fields


def test_mark_duplicate_from_the_page(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        reverse("ideas:mark_duplicate", args=[world.unit.pk]), {"original": world.own.pk}
    )
    assert response.status_code == 302
    world.unit.refresh_from_db()
    assert world.unit.duplicate_of == world.own


@pytest.mark.parametrize("original", ["", "abc", "0", "999999", "99999999999999999999999"])
def test_mark_duplicate_with_a_bad_number_is_explained(client, coordinator, world, original):
    client.force_login(coordinator)
    response = client.post(
        reverse("ideas:mark_duplicate", args=[world.unit.pk]), {"original": original}
    )
    assert response.status_code == 200
    assert response.context["duplicate_form"].errors["original"]
    world.unit.refresh_from_db()
    assert world.unit.status == "new"


def test_a_unit_manager_cannot_name_an_original_they_cannot_see(client, unit_manager, world):
    client.force_login(unit_manager)
    response = client.post(
        reverse("ideas:mark_duplicate", args=[world.owned.pk]), {"original": world.foreign.pk}
    )
    assert response.status_code == 200
    assert response.context["duplicate_form"].errors["original"]


def test_triage_and_duplicate_refuse_get(client, coordinator, world):
    client.force_login(coordinator)
    assert client.get(reverse("ideas:triage", args=[world.own.pk])).status_code == 405
    assert client.get(reverse("ideas:mark_duplicate", args=[world.own.pk])).status_code == 405


def test_a_manager_who_hands_an_idea_to_another_unit_returns_to_the_list(
    client, unit_manager, world, other_unit
):
    client.force_login(unit_manager)
    response = client.post(
        reverse("ideas:triage", args=[world.owned.pk]),
        triage_data(world.owned, owner_unit=other_unit.pk),
    )
    assert response["Location"] == LIST
    world.owned.refresh_from_db()
    assert world.owned.owner_unit == other_unit


def test_the_idea_page_leads_back_to_the_list_as_it_was_filtered(client, coordinator, varied):
    client.force_login(coordinator)
    client.get(f"{LIST}?status=in_review&sort=title")
    page = client.get(reverse("ideas:detail", args=[varied["b"].pk])).content.decode()
    assert 'href="/ideas/?status=in_review&amp;sort=title"' in page


def test_filters_fold_away_until_used(client, coordinator):
    client.force_login(coordinator)
    plain = client.get(reverse("ideas:list"))
    assert '<details class="filters card idea-filters">' in plain.text
    filtered = client.get(reverse("ideas:list"), {"status": "new"})
    assert '<details class="filters card idea-filters" open>' in filtered.text
    sorted_only = client.get(reverse("ideas:list"), {"sort": "title"})
    assert '<details class="filters card idea-filters">' in sorted_only.text


def test_staff_read_their_units_ideas_but_cannot_triage_them(client, world, staff_member):
    client.force_login(staff_member)
    page = client.get(reverse("ideas:detail", args=[world.unit.pk]))
    assert page.status_code == 200
    assert not page.context["can_triage"]
    assert "triage_form" not in page.context
    # The colleague's visit itself stays the colleague's.
    assert not page.context["visit_visible"]
    assert reverse("visits:detail", args=[world.unit.visit_id]) not in page.content.decode()
    response = client.post(
        reverse("ideas:triage", args=[world.unit.pk]), {"status": Idea.Status.IN_REVIEW}
    )
    assert response.status_code == 403
    assert client.get(reverse("ideas:detail", args=[world.foreign.pk])).status_code == 404
