"""The mail settings page, the one-click unsubscribe page, the campaign's mail setting and the
unit manager's front page."""

import pytest
from django.urls import reverse

from notifications.models import CampaignNotificationOff, NotificationKind, NotificationOptOut
from notifications.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db
Kind = NotificationKind
PREFERENCES = reverse("notifications:preferences")


def opted_out(person):
    return set(NotificationOptOut.objects.filter(staff=person).values_list("kind", flat=True))


def test_the_preferences_page_offers_staff_the_kinds_for_staff(client, team):
    client.force_login(team.newcomer)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    fields = set(response.context["form"].fields)
    assert Kind.NUDGE in fields
    assert Kind.IDEA_DECIDED in fields
    assert Kind.DIGEST not in fields
    assert Kind.IDEA_ASSIGNED not in fields
    assert all(response.context["form"][name].initial for name in fields)


def test_saving_preferences_turns_kinds_off_and_on_again(client, team):
    client.force_login(team.manager)
    wanted = {kind: "on" for kind in Kind.values if kind not in (Kind.NUDGE, Kind.DIGEST)}
    response = client.post(PREFERENCES, wanted)
    assert response.status_code == 302
    assert opted_out(team.manager) == {Kind.NUDGE, Kind.DIGEST}
    client.post(PREFERENCES, {**wanted, Kind.DIGEST: "on"})
    assert opted_out(team.manager) == {Kind.NUDGE}
    page = client.get(PREFERENCES)
    assert page.context["form"][Kind.NUDGE].initial is False
    assert page.context["form"][Kind.DIGEST].initial is True


def test_a_staff_member_cannot_turn_off_kinds_they_are_not_offered(client, team):
    client.force_login(team.newcomer)
    client.post(PREFERENCES, {Kind.NUDGE: "on"})
    assert Kind.DIGEST not in opted_out(team.newcomer)


def test_the_preferences_page_says_what_the_campaign_has_turned_off(client, team, running):
    CampaignNotificationOff.objects.create(campaign=running, kind=Kind.NUDGE)
    client.force_login(team.newcomer)
    page = client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en")
    assert [str(k) for k in page.context["off_in_campaign"]] == [str(Kind.NUDGE.label)]


def test_the_user_menu_links_to_the_mail_settings(client, team):
    client.force_login(team.newcomer)
    assert PREFERENCES in client.get(reverse("dashboard")).content.decode()


def test_the_unsubscribe_link_asks_first_then_turns_the_kind_off_without_logging_in(client, team):
    url = reverse(
        "notifications:unsubscribe",
        args=[unsubscribe_token(staff_id=team.newcomer.pk, kind=Kind.NUDGE)],
    )
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["unsubscribed"]
    assert opted_out(team.newcomer) == set()
    response = client.post(url)
    assert response.status_code == 302
    assert opted_out(team.newcomer) == {Kind.NUDGE}
    assert client.get(url).context["unsubscribed"]


def test_a_mail_programs_one_click_post_needs_no_csrf_token(team):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(staff_id=team.leader.pk, kind=Kind.IDEA_DECIDED)
    response = browser.post(
        reverse("notifications:unsubscribe", args=[token]),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 302
    assert opted_out(team.leader) == {Kind.IDEA_DECIDED}


@pytest.mark.parametrize(
    "token",
    ["nonsense", "WzEsIm51ZGdlIl0:forged", "x" * 300],
)
def test_a_broken_or_forged_unsubscribe_link_changes_nothing(client, team, token):
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not NotificationOptOut.objects.exists()


def test_a_link_for_one_person_cannot_be_made_for_another(client, team):
    token = unsubscribe_token(staff_id=team.newcomer.pk, kind=Kind.NUDGE)
    _payload, signature = token.rsplit(":", 1)
    other = unsubscribe_token(staff_id=team.leader.pk, kind=Kind.NUDGE).rsplit(":", 1)[0]
    url = reverse("notifications:unsubscribe", args=[f"{other}:{signature}"])
    assert client.post(url).status_code == 404
    assert not NotificationOptOut.objects.exists()


# --- The campaign's mails (coordinators) ---------------------------------------------------------


def test_coordinators_choose_the_campaigns_kinds_on_its_settings_page(client, coordinator, running):
    client.force_login(coordinator)
    url = reverse("campaigns:edit", args=[running.slug])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("themes",)
    }
    data |= {
        "starts_on": running.starts_on.isoformat(),
        "ends_on": running.ends_on.isoformat(),
        "make_current": "on",
        "notifications-enabled": [Kind.DIGEST, Kind.IDEA_ASSIGNED],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    off = set(
        CampaignNotificationOff.objects.filter(campaign=running).values_list("kind", flat=True)
    )
    assert set(off) == set(Kind.values) - {Kind.DIGEST, Kind.IDEA_ASSIGNED}
    page = client.get(url)
    assert set(page.context["notifications_form"]["enabled"].initial) == {
        Kind.DIGEST,
        Kind.IDEA_ASSIGNED,
    }


# --- The unit manager's front page --------------------------------------------------------------


def test_a_unit_manager_sees_who_has_not_visited_yet(client, team, running):
    client.force_login(team.manager)
    response = client.get(reverse("dashboard"))
    overview = response.context["overview"]
    assert {m.staff for m in overview.not_visited} == {team.manager, team.newcomer}
    html = response.content.decode()
    not_visited = html.split("data-not-visited>")[1].split("</ul>")[0]
    assert "Tuula Tulokas" in not_visited
    assert "Kaisa Kollega" not in not_visited
    visited = html.split("data-visited>")[1].split("</ul>")[0]
    assert "Kaisa Kollega" in visited
    assert "Jussi Johtaja" in visited
    assert "Jussi Johtaja" in html.split("data-leaders-visited>")[1].split("</span>")[0]


def test_a_unit_managers_standing_is_shown_once_in_the_overview(client, team, running):
    client.force_login(team.manager)
    html = client.get("/").content.decode()
    assert 'data-figure="unit-rank"' in html
    assert 'data-figure="unit-score"' in html
    assert 'data-figure="my-rank"' not in html


def test_staff_do_not_get_the_units_overview(client, team, running):
    client.force_login(team.newcomer)
    response = client.get(reverse("dashboard"))
    assert "overview" not in response.context
    assert "data-unit-overview" not in response.content.decode()


def test_the_managers_front_page_lists_ideas_waiting_for_the_unit(client, team, running):
    from ideas.models import Idea
    from tests.factories import IdeaFactory, VisitFactory

    waiting = IdeaFactory(
        title="Odottaa päätöstä",
        visit=VisitFactory(campaign=running, created_by=team.outsider),
        owner_unit=team.unit,
    )
    IdeaFactory(
        title="Jo hyväksytty",
        visit=VisitFactory(campaign=running, created_by=team.outsider),
        owner_unit=team.unit,
        status=Idea.Status.ACCEPTED,
    )
    client.force_login(team.manager)
    html = client.get(reverse("dashboard")).content.decode()
    listed = html.split("data-waiting-ideas>")[1].split("</ul>")[0]
    assert waiting.get_absolute_url() in listed
    assert "Jo hyväksytty" not in listed


def test_the_front_page_costs_the_same_queries_for_a_bigger_unit(client, team, running):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import RosterEntryFactory, StaffFactory

    client.force_login(team.manager)

    def queries():
        client.get(reverse("dashboard"))  # the figures refresh after a write: read them first
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("dashboard"))
        return len(captured)

    few = queries()
    for n in range(15):
        RosterEntryFactory(
            campaign=running, staff=StaffFactory(username=f"uusi-{n}", unit=team.unit)
        )
    assert queries() == few
