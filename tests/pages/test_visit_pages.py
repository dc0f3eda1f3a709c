"""The visit form and the visit page: logging, editing and showing a visit with its ideas."""

import datetime as dt
import threading
import uuid

import pytest
from auditlog.models import LogEntry
from django.db import connections
from django.test import Client as BrowserClient
from django.urls import reverse

from campaign.models import Client
from campaign.roles import STAFF
from ideas.models import Idea
from tests.english import english_client, english_messages  # noqa: F401
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    StaffFactory,
    VisitFactory,
)
from visits.models import Visit
from visits.rules import VisitStatus

pytestmark = pytest.mark.django_db


def form_data(client=None, today=None, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "client": client.pk if client else "",
        "new_client_name": "",
        "new_client_kind": "other",
        "new_client_region": "",
        "new_client_business_id": "",
        "visited_on": (today or dt.date.today()).isoformat(),
        "minutes": "60",
        "is_remote": "False",
        "listened_most": "on",
        "not_without_campaign": "on",
        "notes": "Kuuntelimme.",
        "benefit_rating": "4",
        "ideas-TOTAL_FORMS": "1",
        "ideas-INITIAL_FORMS": "0",
        "ideas-MIN_NUM_FORMS": "0",
        "ideas-MAX_NUM_FORMS": "20",
        "ideas-0-title": "",
        "ideas-0-text": "",
        "ideas-0-theme": "",
    }
    data.update({k: v for k, v in overrides.items() if v is not None})
    for key in [k for k, v in overrides.items() if v is None]:
        data.pop(key, None)
    return data


def errors_of(response, field):
    return " ".join(str(e) for e in response.context["form"].errors.get(field, []))


# Logging a visit


def test_minutes_step_by_one_so_every_whole_minute_is_valid(client, running, visitor):
    client.force_login(visitor)
    response = client.get(reverse("visits:new"))
    minutes = response.context["form"]["minutes"]
    assert "step" not in minutes.field.widget.attrs
    assert 'step="5"' not in str(minutes)


def test_the_form_shows_the_definition_the_declarations_and_a_verdict(client, running, visitor):
    client.force_login(visitor)
    response = client.get(reverse("visits:new"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["minutes"] == running.min_minutes
    assert form.initial["visited_on"] == dt.date.today()
    assert running.visit_definition in response.text
    assert 'name="submission_token"' in response.text
    assert 'name="listened_most"' in response.text
    assert 'name="not_without_campaign"' in response.text
    # Nothing is answered yet: the box invites to fill in the form instead of a verdict.
    assert response.context["verdict"] is None
    assert "Fill in the form to see whether the visit will count" in response.text
    assert "kept as normal client work" not in response.text


def test_logging_a_visit_with_a_co_visitor_and_an_idea(
    client, running, visitor, colleague, tampere
):
    theme = running.themes.get()
    client.force_login(visitor)
    data = form_data(
        tampere,
        co_visitors=[str(colleague.pk)],
        **{"ideas-0-title": "Neuvonta", "ideas-0-text": "Omin sanoin", "ideas-0-theme": theme.pk},
    )

    response = client.post(reverse("visits:new"), data)

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:detail", args=[visit.pk])
    assert {p.staff for p in visit.participations.all()} == {visitor, colleague}
    assert visit.ideas.get().title == "Neuvonta"
    assert visit.counts
    page = client.get(response["Location"])
    assert "The visit is saved and counts for the campaign" in page.text
    assert "Neuvonta" in page.text
    assert str(colleague) in page.text


def test_a_future_date_logs_a_planned_visit(client, running, visitor, tampere):
    client.force_login(visitor)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    client.post(reverse("visits:new"), form_data(tampere, today=tomorrow))
    assert Visit.objects.get().status == VisitStatus.PLANNED


def test_a_planned_visit_after_the_campaign_gets_a_message_next_to_the_date(
    client, running, visitor, tampere
):
    client.force_login(visitor)
    later = running.ends_on + dt.timedelta(days=120)
    response = client.post(reverse("visits:new"), form_data(tampere, today=later))
    assert response.status_code == 400
    assert "before the end of the campaign" in errors_of(response, "visited_on")
    assert not Visit.objects.exists()


def test_the_same_form_sent_twice_makes_one_visit(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(tampere)
    first = client.post(reverse("visits:new"), data)
    second = client.post(reverse("visits:new"), data, follow=True)
    assert Visit.objects.count() == 1
    assert second.status_code == 200
    assert second.redirect_chain[0][0] == first["Location"]
    assert "This visit was already saved." in second.text


def test_back_and_submit_again_is_refused_next_to_the_client_and_keeps_the_input(
    client, running, visitor, tampere
):
    client.force_login(visitor)
    first = client.post(reverse("visits:new"), form_data(tampere))
    saved = Visit.objects.get()
    # The browser's Back button renders a fresh form: a new token, the same visit typed again.
    again = client.post(reverse("visits:new"), form_data(tampere, notes="Sama käynti"))
    assert again.status_code == 400
    assert Visit.objects.count() == 1
    assert "You already logged a visit to" in errors_of(again, "client")
    assert first["Location"] in again.text
    assert 'name="same_day_confirmed"' in again.text
    assert "Sama käynti" in again.text
    confirmed = client.post(
        reverse("visits:new"), form_data(tampere, notes="Toinen käynti", same_day_confirmed="on")
    )
    assert confirmed.status_code == 302
    assert Visit.objects.exclude(pk=saved.pk).get().notes == "Toinen käynti"


def test_a_new_client_form_sent_twice_lands_on_the_visit(client, running, visitor):
    client.force_login(visitor)
    data = form_data(new_client_name="Kuopion kaupunki", new_client_kind="municipality")
    first = client.post(reverse("visits:new"), data)
    second = client.post(reverse("visits:new"), data)
    assert Visit.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_posts_make_one_visit_and_no_error_page(today):
    campaign = CampaignFactory(
        is_current=True,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5),
    )
    person = StaffFactory(role=STAFF)
    data = form_data(ClientFactory(), today=today)
    start = threading.Barrier(2)
    responses = []

    def post():
        browser = BrowserClient()
        browser.force_login(person)
        start.wait(10)
        try:
            responses.append(browser.post(reverse("visits:new"), data))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    visit = Visit.objects.get(campaign=campaign)
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {reverse("visits:detail", args=[visit.pk])}


@pytest.mark.django_db(transaction=True)
def test_ten_different_forms_to_one_client_on_one_day_at_once_store_one_visit(today):
    """Ten forms, each with its own token and none confirming a second visit, sent at the same
    moment: one visit is stored, the others are asked about the visit already logged."""
    campaign = CampaignFactory(
        is_current=True,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5),
    )
    person = StaffFactory(role=STAFF)
    chosen = ClientFactory(name="Kuopion kaupunki")
    start = threading.Barrier(10)
    responses = []

    def post(minutes):
        browser = BrowserClient(HTTP_ACCEPT_LANGUAGE="en")
        browser.force_login(person)
        start.wait(10)
        try:
            responses.append(
                browser.post(reverse("visits:new"), form_data(chosen, today, minutes=minutes))
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(str(60 + n),)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    visit = Visit.objects.get(campaign=campaign)
    assert sorted(r.status_code for r in responses) == [302] + [400] * 9
    for refused in (r for r in responses if r.status_code == 400):
        assert "You already logged a visit to Kuopion kaupunki" in refused.content.decode()
        assert refused.context["form"].same_day_visit == visit


def test_a_new_client_in_place(client, running, visitor):
    client.force_login(visitor)
    data = form_data(
        new_client_name="Kuopion kaupunki",
        new_client_kind="municipality",
        new_client_region="Pohjois-Savo",
        new_client_business_id="0171450-7",
    )
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 302
    created = Visit.objects.get().client
    assert (created.name, created.kind, created.region, created.business_id) == (
        "Kuopion kaupunki",
        "municipality",
        "Pohjois-Savo",
        "0171450-7",
    )


def test_a_similar_client_name_asks_for_confirmation(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(new_client_name="Tampereen kaupunki, tietopalvelut")
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    assert "Similar clients already exist: Tampereen kaupunki" in errors_of(
        response, "new_client_name"
    )
    assert Visit.objects.count() == 0
    assert response.context["form"]["new_client_name"].value() == data["new_client_name"]

    data["new_client_confirmed"] = "on"
    assert client.post(reverse("visits:new"), data).status_code == 302
    assert Client.objects.filter(name="Tampereen kaupunki, tietopalvelut").exists()


def test_a_client_that_already_exists_cannot_be_added_again(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(new_client_name=" TAMPEREEN  kaupunki", new_client_confirmed="on")
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    assert "Tampereen kaupunki is already a client" in errors_of(response, "new_client_name")
    assert Client.objects.count() == 1
    assert f'name="pick_client" value="{tampere.pk}"' in response.text


def test_a_similar_client_can_be_picked_instead_of_the_new_one(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(
        new_client_name="Tampereen kaupunki, tietopalvelut", pick_client=str(tampere.pk)
    )
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 302
    assert Visit.objects.get().client == tampere
    assert Client.objects.count() == 1


def test_the_same_business_id_is_refused(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(new_client_name="Ihan eri nimi", new_client_business_id=tampere.business_id)
    response = client.post(reverse("visits:new"), data)
    assert "Tampereen kaupunki already has this business ID" in errors_of(
        response, "new_client_business_id"
    )
    assert Visit.objects.count() == 0


NOT_A_CLIENT = ["abc", "1.5", "[]", "\x00", "x" * 20_000, "9" * 30, "-1", "²"]


@pytest.mark.parametrize("value", NOT_A_CLIENT)
@pytest.mark.parametrize("button", [{}, {"preview": "1"}, {"add_idea": "1"}])
def test_a_client_value_that_names_no_client_is_refused_next_to_the_field(
    client, running, visitor, value, button
):
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), {**form_data(**button), "client": value})
    assert response.status_code in (200, 400)
    if not button:
        assert errors_of(response, "client")
    assert response.context["chosen_client"] is None
    assert Visit.objects.count() == 0


@pytest.mark.parametrize("value", NOT_A_CLIENT)
def test_picking_a_similar_client_that_is_not_one_is_refused(client, running, visitor, value):
    client.force_login(visitor)
    data = form_data(new_client_name="Tampereen kaupunki, tietopalvelut", pick_client=value)
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    assert errors_of(response, "client")
    assert Visit.objects.count() == 0


@pytest.mark.parametrize("value", NOT_A_CLIENT[:4])
def test_editing_with_a_client_value_that_names_no_client_is_refused(
    client, running, visitor, tampere, value
):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    client.force_login(visitor)
    data = {**form_data(tampere, status="done", minutes="90"), "client": value}
    response = client.post(reverse("visits:edit", args=[visit.pk]), data)
    assert response.status_code == 400
    assert errors_of(response, "client")
    visit.refresh_from_db()
    assert visit.minutes == 60


@pytest.mark.parametrize("total", ["abc", "", "-3", "1.5", "\x00", "9" * 30])
def test_adding_an_idea_row_to_a_damaged_form_starts_the_rows_again(
    client, running, visitor, tampere, total
):
    client.force_login(visitor)
    data = form_data(tampere, add_idea="1", **{"ideas-TOTAL_FORMS": total})
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 200
    assert len(response.context["ideas"].forms) >= 1
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "x" * 5001),
        ("ideas-0-text", "x" * 5001),
        ("ideas-0-title", "x" * 201),
        ("new_client_region", "x" * 101),
    ],
)
def test_text_longer_than_its_limit_is_refused_next_to_the_field_and_kept(
    client, running, visitor, tampere, field, value
):
    client.force_login(visitor)
    data = form_data(tampere, **{"ideas-0-title": "Idea", field: value})
    if field == "new_client_region":
        data |= {"client": "", "new_client_name": "Uusi asiakas"}
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    name = field.removeprefix("ideas-0-")
    if field.startswith("ideas-"):
        errors = response.context["ideas"].forms[0].errors[name]
    else:
        errors = response.context["form"].errors[name]
    assert "at most" in " ".join(errors)
    assert value in response.content.decode()
    assert Visit.objects.count() == 0


def test_a_business_id_whose_check_digit_does_not_match_is_refused(client, running, visitor):
    client.force_login(visitor)
    data = form_data(new_client_name="Uusi Oy", new_client_business_id="1234567-8")
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    assert "check digit does not match" in errors_of(response, "new_client_business_id")
    assert Visit.objects.count() == 0
    assert not Client.objects.filter(name="Uusi Oy").exists()


def test_ideas_for_a_planned_visit_are_refused_in_the_ideas_section_and_kept(
    client, running, visitor, tampere
):
    client.force_login(visitor)
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    data = form_data(tampere, visited_on=later, **{"ideas-0-title": "Neuvontapalvelu"})
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["ideas"].non_form_errors())
    assert "Ideas are noted once the visit has taken place" in errors
    assert 'value="Neuvontapalvelu"' in response.content.decode()
    assert Visit.objects.count() == 0


def test_a_visit_with_ideas_cannot_be_edited_to_planned(client, running, visitor, tampere):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    IdeaFactory(visit=visit)
    client.force_login(visitor)
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    data = form_data(tampere, status="planned", visited_on=later)
    response = client.post(reverse("visits:edit", args=[visit.pk]), data)
    assert response.status_code == 400
    assert "cannot be planned" in errors_of(response, "status")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE


def test_the_client_is_required(client, running, visitor):
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), form_data())
    assert "Choose the client, or add a new one below." in errors_of(response, "client")


def test_a_chosen_and_a_new_client_together_are_refused(client, running, visitor, tampere):
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), form_data(tampere, new_client_name="Uusi"))
    assert "not both" in errors_of(response, "new_client_name")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes": "0"}, "minutes", "from 1 to 720"),
        ({"minutes": "721"}, "minutes", "from 1 to 720"),
        ({"minutes": "tunti"}, "minutes", "Enter a whole number."),
        ({"visited_on": "2020-01-01"}, "visited_on", "must be dated within the campaign"),
        ({"visited_on": "eilen"}, "visited_on", "Enter a valid date."),
        ({"co_visitors": ["999999"]}, "co_visitors", "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_nothing_is_lost(
    client, running, visitor, tampere, overrides, field, message
):
    client.force_login(visitor)
    data = form_data(tampere, **{"ideas-0-title": "Idea talteen"}, **overrides)
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    assert message in errors_of(response, field)
    assert Visit.objects.count() == 0
    assert 'value="Idea talteen"' in response.text
    assert "Kuuntelimme." in response.text


def test_the_error_summary_links_to_every_field_with_an_error(client, running, visitor):
    client.force_login(visitor)
    data = form_data(minutes="", **{"ideas-0-text": "Sanat ilman otsikkoa"})
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    summary = response.text.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "data-error-summary" in response.text
    assert '<a href="#id_client">Search for the client: Choose the client, or add' in summary
    assert '<a href="#id_minutes">Minutes: This field is required.</a>' in summary
    assert '<a href="#id_ideas-0-title">Idea 1, idea in a few words: ' in summary


def test_the_logger_cannot_be_their_own_co_visitor(client, running, visitor, tampere):
    client.force_login(visitor)
    response = client.post(reverse("visits:new"), form_data(tampere, co_visitors=[str(visitor.pk)]))
    assert response.status_code == 400
    assert "Select a valid choice." in errors_of(response, "co_visitors")


def test_a_bad_idea_row_saves_nothing(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(tampere, **{"ideas-0-text": "Teksti ilman otsikkoa"})
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 400
    assert response.context["ideas"].errors[0]["title"]
    assert Visit.objects.count() == 0
    assert Idea.objects.count() == 0


def test_checking_whether_it_counts_saves_nothing(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(tampere, is_remote="True", preview="1")
    response = client.post(reverse("visits:new"), data)
    assert response.status_code == 200
    assert Visit.objects.count() == 0
    assert "Remote visits do not count in this campaign." in response.text


def test_adding_an_idea_row_without_javascript(client, running, visitor, tampere):
    client.force_login(visitor)
    data = form_data(tampere, add_idea="1", **{"ideas-0-title": "Ensimmäinen"})
    response = client.post(reverse("visits:new"), data)
    assert Visit.objects.count() == 0
    assert response.context["ideas"].total_form_count() == 2
    assert 'name="ideas-1-title"' in response.text


def test_logging_is_closed_for_staff_after_the_grace_days(client, visitor, coordinator):
    today = dt.date.today()
    CampaignFactory(
        is_current=True,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=20),
        grace_days=7,
    )
    client.force_login(visitor)
    response = client.get(reverse("visits:new"))
    assert "Logging visits for this campaign closed on" in response.text
    assert "form" not in response.context

    client.force_login(coordinator)
    assert "form" in client.get(reverse("visits:new")).context


def test_no_campaign_no_form(client, visitor):
    client.force_login(visitor)
    response = client.get(reverse("visits:new"))
    assert "There is no campaign running." in response.text


def test_spread_the_visits_shows_who_already_visited_the_client(
    client, running, visitor, outsider, tampere
):
    VisitFactory(
        campaign=running, client=tampere, created_by=outsider, visited_on=running.starts_on
    )
    VisitFactory(
        campaign=running, client=tampere, created_by=outsider, status=VisitStatus.CANCELLED
    )
    client.force_login(visitor)

    response = client.get(reverse("visits:client_visits"), {"client": tampere.pk})
    assert response.json()["count"] == 1
    assert outsider.unit.name in response.json()["html"]

    untouched = ClientFactory()
    response = client.get(reverse("visits:client_visits"), {"client": untouched.pk})
    assert "No one has visited this client in this campaign yet." in response.json()["html"]

    page = client.post(reverse("visits:new"), form_data(tampere, preview="1"))
    assert outsider.unit.name in page.text


# Detail and edit


def test_detail_shows_participants_ideas_the_verdict_and_other_visits(
    client, running, visitor, colleague, outsider, tampere
):
    visit = VisitFactory(
        campaign=running,
        client=tampere,
        created_by=visitor,
        participants=[visitor, colleague],
        minutes=30,
    )
    IdeaFactory(visit=visit, title="Yhteinen vuosikello")
    VisitFactory(campaign=running, client=tampere, created_by=outsider)
    client.force_login(visitor)

    response = client.get(reverse("visits:detail", args=[visit.pk]))

    assert str(colleague) in response.text
    assert "Yhteinen vuosikello" in response.text
    assert "shorter than the campaign minimum of 60 minutes" in response.text
    assert response.context["other_visits"][0].units == ("Viestintä",)


def test_the_clients_words_are_a_quotation_without_added_quote_marks(
    client, running, visitor, tampere
):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    IdeaFactory(visit=visit, title="Avoin data", text='"Avatkaa rajapinta."')
    client.force_login(visitor)
    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    assert '<blockquote class="idea__text">&quot;Avatkaa rajapinta.&quot;</blockquote>' in (
        detail.text
    )
    assert "“" not in detail.text


def test_a_withdrawn_visit_says_it_was_withdrawn_and_is_not_offered_again(
    client, running, visitor, tampere
):
    visit = VisitFactory(
        campaign=running, client=tampere, created_by=visitor, status=VisitStatus.CANCELLED
    )
    client.force_login(visitor)
    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    assert "This visit was withdrawn." in detail.text
    assert "The visit was cancelled." not in detail.text
    confirm = client.get(reverse("visits:withdraw", args=[visit.pk]))
    assert "already withdrawn" in confirm.text
    assert "Withdraw the visit</button>" not in confirm.text
    assert visit.get_absolute_url() in confirm.text


def test_a_planned_visit_says_what_it_takes_to_count(client, running, visitor, tampere):
    planned = VisitFactory(
        campaign=running,
        client=tampere,
        created_by=visitor,
        status=VisitStatus.PLANNED,
        visited_on=dt.date.today() + dt.timedelta(days=2),
        listened_most=False,
        not_without_campaign=False,
    )
    client.force_login(visitor)
    detail = client.get(reverse("visits:detail", args=[planned.pk]))
    assert "It will count for the campaign once it is done" in detail.text
    assert "You did not confirm that most of the time" not in detail.text

    planned.is_remote = True
    planned.save()
    running.remote_counts = False
    running.save()
    detail = client.get(reverse("visits:detail", args=[planned.pk]))
    assert "Even once it is done, it will not count" in detail.text
    assert "Remote visits do not count in this campaign." in detail.text


def test_editing_a_visit_is_audited(client, running, visitor, colleague, tampere):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    client.force_login(visitor)
    data = form_data(tampere, status="done", minutes="90", co_visitors=[str(colleague.pk)])

    response = client.post(reverse("visits:edit", args=[visit.pk]), data)

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.minutes == 90
    assert {p.staff for p in visit.participations.all()} == {visitor, colleague}
    entry = LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == visitor
    assert entry.changes_dict["minutes"] == ["60", "90"]
    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    assert "Change history" in detail.text
    assert "Participant added" in detail.text


def test_editing_to_done_with_a_future_date_is_refused(client, running, visitor, tampere):
    visit = VisitFactory(
        campaign=running,
        client=tampere,
        created_by=visitor,
        status=VisitStatus.PLANNED,
        visited_on=dt.date.today() + dt.timedelta(days=2),
    )
    client.force_login(visitor)
    data = form_data(tampere, status="done", visited_on=visit.visited_on.isoformat())
    response = client.post(reverse("visits:edit", args=[visit.pk]), data)
    assert response.status_code == 400
    assert "A visit dated in the future can only be planned" in errors_of(response, "visited_on")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_editing_adds_ideas(client, running, visitor, tampere):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    client.force_login(visitor)
    data = form_data(tampere, status="done", **{"ideas-0-title": "Jälkikäteen"})
    client.post(reverse("visits:edit", args=[visit.pk]), data)
    assert visit.ideas.get().title == "Jälkikäteen"


def test_staff_cannot_edit_after_logging_closed_but_coordinators_can(
    client, visitor, coordinator, tampere
):
    today = dt.date.today()
    old = CampaignFactory(
        is_current=True,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=20),
    )
    visit = VisitFactory(campaign=old, client=tampere, created_by=visitor)
    data = form_data(tampere, status="done", visited_on=visit.visited_on.isoformat())

    client.force_login(visitor)
    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    assert "Logging visits for this campaign closed on" in detail.text
    refused = client.post(reverse("visits:edit", args=[visit.pk]), {**data, "minutes": "75"})
    assert "Logging visits for this campaign closed on" in refused.text
    visit.refresh_from_db()
    assert visit.minutes == 60

    client.force_login(coordinator)
    client.post(reverse("visits:edit", args=[visit.pk]), {**data, "minutes": "75"})
    visit.refresh_from_db()
    assert visit.minutes == 75


def test_editing_a_visit_onto_another_one_of_the_same_day_asks_to_keep_both(
    client, running, visitor, tampere
):
    first = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    other = VisitFactory(campaign=running, client=ClientFactory(), created_by=visitor)
    client.force_login(visitor)
    data = form_data(tampere, status="done", visited_on=first.visited_on.isoformat())

    asked = client.post(reverse("visits:edit", args=[other.pk]), data)
    assert asked.status_code == 400
    assert "already has another visit to Tampereen kaupunki" in errors_of(asked, "client")
    assert f'href="/visits/{first.pk}/"' in asked.content.decode()
    assert 'name="same_day_confirmed"' in asked.content.decode()

    kept = client.post(reverse("visits:edit", args=[other.pk]), data | {"same_day_confirmed": "on"})
    assert kept.status_code == 302
    other.refresh_from_db()
    assert (other.client, other.same_day_confirmed) == (tampere, True)


def _edit_form_data(response, **changes):
    """What the edit form on the page sends, with the person's changes."""
    initial = response.context["form"].initial
    data = form_data(
        response.context["visit"].client,
        status=initial["status"],
        visited_on=initial["visited_on"].isoformat(),
        minutes=str(initial["minutes"]),
        notes=initial["notes"],
        co_visitors=[str(pk) for pk in initial["co_visitors"]],
        revision=initial["revision"],
    )
    return data | changes


def test_an_edit_on_an_outdated_form_is_refused_showing_what_changed_and_losing_nothing(
    client, running, visitor, colleague, tampere
):
    visit = VisitFactory(
        campaign=running,
        client=tampere,
        created_by=visitor,
        participants=[visitor, colleague],
        notes="Alkuperäiset muistiinpanot",
    )
    client.force_login(visitor)
    opened = client.get(reverse("visits:edit", args=[visit.pk]))
    mine = _edit_form_data(opened, minutes="90", **{"ideas-0-title": "Uusi idea"})

    other = BrowserClient(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(colleague)
    theirs = _edit_form_data(
        other.get(reverse("visits:edit", args=[visit.pk])), notes="Kaisan muistiinpanot"
    )
    assert other.post(reverse("visits:edit", args=[visit.pk]), theirs).status_code == 302

    refused = client.post(reverse("visits:edit", args=[visit.pk]), mine)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved changes here while you were editing" in page
    assert "Kaisa Kollega saved changes after you opened the form." in page
    [change] = refused.context["conflict"]["changes"]
    assert (change.label, change.before, change.saved) == (
        "What we learned",
        "Alkuperäiset muistiinpanot",
        "Kaisan muistiinpanot",
    )
    merged = refused.context["form"]
    assert (merged["minutes"].value(), merged["notes"].value()) == ("90", "Kaisan muistiinpanot")
    assert 'value="Uusi idea"' in page
    visit.refresh_from_db()
    assert (visit.minutes, visit.notes) == (60, "Kaisan muistiinpanot")
    assert not visit.ideas.exists()

    again = client.post(reverse("visits:edit", args=[visit.pk]), refused.context["form"].data)
    assert again.status_code == 302
    visit.refresh_from_db()
    assert (visit.minutes, visit.notes) == (90, "Kaisan muistiinpanot")
    assert visit.ideas.get().title == "Uusi idea"


def test_when_both_changed_the_same_field_the_form_keeps_what_was_typed(
    client, running, visitor, tampere
):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor, notes="Alku")
    client.force_login(visitor)
    mine = _edit_form_data(client.get(reverse("visits:edit", args=[visit.pk])), notes="Minun")
    theirs = _edit_form_data(client.get(reverse("visits:edit", args=[visit.pk])), notes="Toisen")
    client.post(reverse("visits:edit", args=[visit.pk]), theirs)

    refused = client.post(reverse("visits:edit", args=[visit.pk]), mine)

    assert refused.status_code == 409
    [change] = refused.context["conflict"]["changes"]
    assert (change.saved, change.in_form, change.yours_kept) == ("Toisen", "Minun", True)
    assert refused.context["form"]["notes"].value() == "Minun"


def test_a_form_saved_meanwhile_with_nothing_changed_is_simply_saved(
    client, running, visitor, tampere
):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    client.force_login(visitor)
    mine = _edit_form_data(client.get(reverse("visits:edit", args=[visit.pk])), minutes="75")
    Visit.objects.get(pk=visit.pk).save()
    assert client.post(reverse("visits:edit", args=[visit.pk]), mine).status_code == 302
    visit.refresh_from_db()
    assert visit.minutes == 75


def test_unknown_visit_is_404(client, visitor):
    client.force_login(visitor)
    assert client.get(reverse("visits:detail", args=[999999])).status_code == 404
    assert client.get(reverse("visits:edit", args=[999999])).status_code == 404


# The front page


def test_dashboard_invites_to_log_and_links_my_visits(client, running, visitor, tampere):
    visit = VisitFactory(campaign=running, client=tampere, created_by=visitor)
    client.force_login(visitor)
    response = client.get(reverse("dashboard"))
    assert f'href="{reverse("visits:new")}"' in response.text
    assert f'href="{reverse("visits:detail", args=[visit.pk])}"' in response.text
