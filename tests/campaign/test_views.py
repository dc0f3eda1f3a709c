import datetime as dt

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    StaffFactory,
    VisitFactory,
)
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_healthz_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_503_when_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_healthz_503_during_an_outage_also_with_a_session_cookie(client, monkeypatch):
    """The session and the user are read from the database too; the check answers before them."""
    client.force_login(StaffFactory())

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_dashboard_shows_campaign_figures_and_my_visits(client, campaign, staff_member):
    shared_client = ClientFactory(name="Tampereen kaupunki")
    mine = VisitFactory(campaign=campaign, client=shared_client, created_by=staff_member)
    IdeaFactory(visit=mine)
    VisitFactory(campaign=campaign, client=shared_client)
    VisitFactory(campaign=campaign, client=ClientFactory(name="Oulun kaupunki"))
    VisitFactory(campaign=campaign, status=Visit.Status.PLANNED)
    client.force_login(staff_member)

    response = client.get(reverse("dashboard"))

    progress = response.context["progress"]
    assert progress.counted_visits == 3
    assert progress.ideas == 1
    assert progress.clients_reached == 2
    assert list(response.context["my_visits"]) == [mine]
    assert campaign.name in response.text
    assert "Tampereen kaupunki" in response.text


def test_dashboard_without_campaign(client, staff_member):
    client.force_login(staff_member)
    response = client.get(reverse("dashboard"))
    assert response.context["campaign"] is None


def test_dashboard_in_finnish_by_default(client, campaign, staff_member):
    client.force_login(staff_member)
    response = client.get(reverse("dashboard"))
    assert response.headers["Content-Language"] == "fi"
    assert '<html lang="fi">' in response.text


def test_dashboard_in_english_when_the_browser_asks(client, campaign, staff_member):
    client.force_login(staff_member)
    response = client.get(reverse("dashboard"), headers={"accept-language": "en"})
    assert response.headers["Content-Language"] == "en"


def test_planned_visit_is_not_called_normal_client_work(client, campaign, staff_member):
    VisitFactory(
        campaign=campaign,
        created_by=staff_member,
        status=Visit.Status.PLANNED,
        client=ClientFactory(name="Suunniteltu asiakas"),
    )
    client.force_login(staff_member)
    response = client.get(reverse("dashboard"), headers={"accept-language": "en"})
    item = response.text.split("Suunniteltu asiakas", 1)[1].split("</li>", 1)[0]
    assert "Planned" in item
    assert "Normal client work" not in item


@pytest.mark.parametrize(
    ("starts_in", "ends_in", "text"),
    [
        (5, 46, "Starts in 5 days"),
        (1, 42, "Starts in 1 day"),
        (-10, 31, "32 days left"),
        (-41, 0, "1 day left"),
        (-50, -8, "The campaign has ended."),
    ],
)
def test_dashboard_and_leaderboard_say_when_the_campaign_starts_or_ends(
    client, staff_member, starts_in, ends_in, text
):
    today = timezone.localdate()
    campaign = CampaignFactory(
        is_current=True,
        starts_on=today + dt.timedelta(days=starts_in),
        ends_on=today + dt.timedelta(days=ends_in),
    )
    assert campaign.days_until_start() == max(0, starts_in)
    client.force_login(staff_member)
    for url in (reverse("dashboard"), reverse("leaderboard:index")):
        page = " ".join(client.get(url, headers={"accept-language": "en"}).text.split())
        assert text in page, url
        # Before the start no days are gone; after the end none are left.
        if starts_in > 0 or ends_in < 0:
            assert "days left" not in page
