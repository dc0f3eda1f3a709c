import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Campaign, RosterEntry
from tests.factories import (
    CampaignFactory,
    RosterEntryFactory,
    StaffFactory,
    ThemeFactory,
    UnitFactory,
    VisitFactory,
)
from tests.forms import campaign_form_data

pytestmark = pytest.mark.django_db

SLUG_PAGES = ["campaigns:edit", "campaigns:clone", "campaigns:roster", "campaigns:report"]


def _pages(slug):
    return [
        reverse("campaigns:list"),
        reverse("campaigns:create"),
        reverse("campaigns:import"),
        *[reverse(name, args=[slug]) for name in SLUG_PAGES],
    ]


@pytest.mark.parametrize("role", ["staff_member", "unit_manager"])
def test_only_coordinators_get_in(client, campaign, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in _pages(campaign.slug):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_anonymous_is_sent_to_login(client, campaign):
    for url in _pages(campaign.slug):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_coordinator_gets_every_page(client, campaign, coordinator):
    client.force_login(coordinator)
    for url in _pages(campaign.slug):
        response = client.get(url)
        assert response.status_code == 200, url
    assert campaign.name in client.get(reverse("campaigns:list")).text


def test_unknown_campaign_is_404(client, coordinator):
    client.force_login(coordinator)
    for name in SLUG_PAGES:
        assert client.get(reverse(name, args=["no-such"])).status_code == 404


def test_navigation_shows_campaigns_to_coordinators_only(client, coordinator, staff_member):
    client.force_login(staff_member)
    assert reverse("campaigns:list") not in client.get("/").text
    client.force_login(coordinator)
    assert reverse("campaigns:list") in client.get("/").text


def test_create_a_campaign(client, coordinator):
    theme = ThemeFactory(name="Avoin data")
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:create"), campaign_form_data(themes=[theme.pk], make_current="on")
    )
    campaign = Campaign.objects.get(slug="kylaan-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:roster", args=[campaign.slug])
    assert campaign.is_current
    assert list(campaign.themes.all()) == [theme]


def test_create_with_bad_dates_keeps_the_input_and_says_why(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:create"), campaign_form_data(ends_on="2027-01-01", name="Säilyy")
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()
    assert "Säilyy" in response.text
    assert response.context["form"].errors == {
        "ends_on": ["Kampanjan on päätyttävä aikaisintaan alkupäivänään."]
    }


def test_negative_weight_is_marked_on_its_field(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("campaigns:create"), campaign_form_data(weight_idea="-1"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["weight_idea"]


def test_taken_short_name_says_so_in_plain_words(client, coordinator, campaign):
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:create"),
        campaign_form_data(slug=campaign.slug),
        headers={"accept-language": "en"},
    )
    assert response.context["form"].errors["slug"] == [
        "Another campaign already uses this short name."
    ]


def test_new_campaign_short_name_is_optional_and_explained(client, coordinator):
    client.force_login(coordinator)
    form = client.get(reverse("campaigns:create"), headers={"accept-language": "en"})
    assert "Leave it empty to have it made from the name." in form.text
    response = client.post(
        reverse("campaigns:create"), campaign_form_data(name="Testi 2027 kevät", slug="")
    )
    assert response.status_code == 302
    assert Campaign.objects.get(name="Testi 2027 kevät").slug == "testi-2027-kevat"


def test_making_a_campaign_current_unsets_the_other(client, coordinator, campaign):
    client.force_login(coordinator)
    client.post(reverse("campaigns:create"), campaign_form_data(make_current="on"))
    campaign.refresh_from_db()
    assert not campaign.is_current
    assert Campaign.objects.get(is_current=True).slug == "kylaan-2027"


def test_clone_page_suggests_next_year_and_creates_the_copy(client, coordinator, campaign):
    VisitFactory(campaign=campaign)
    client.force_login(coordinator)
    url = reverse("campaigns:clone", args=[campaign.slug])
    form = client.get(url).context["form"]
    assert form.initial["starts_on"] == campaign.starts_on.replace(year=2027)

    response = client.post(
        url,
        {
            "name": "Seuraava",
            "slug": "seuraava",
            "starts_on": "2027-03-01",
            "ends_on": "2027-04-11",
        },
    )
    copy = Campaign.objects.get(slug="seuraava")
    assert response["Location"] == reverse("campaigns:edit", args=["seuraava"])
    assert copy.min_minutes == campaign.min_minutes
    assert not copy.visits.exists()


def test_clone_with_a_taken_slug_says_so(client, coordinator, campaign):
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:clone", args=[campaign.slug]),
        {"name": "x", "slug": campaign.slug, "starts_on": "2027-03-01", "ends_on": "2027-04-11"},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_roster_of_a_future_campaign_is_taken(client, coordinator):
    campaign = CampaignFactory(starts_on=dt.date.today() + dt.timedelta(days=10))
    StaffFactory(unit=UnitFactory())
    client.force_login(coordinator)
    response = client.post(reverse("campaigns:roster", args=[campaign.slug]))
    assert response.status_code == 302
    # Every staff member with a unit is on it, the coordinator included.
    assert RosterEntry.objects.filter(campaign=campaign).count() == 2


def test_roster_of_a_started_campaign_needs_confirmation(client, coordinator):
    campaign = CampaignFactory(starts_on=dt.date.today() - dt.timedelta(days=3))
    client.force_login(coordinator)
    url = reverse("campaigns:roster", args=[campaign.slug])

    response = client.post(url)
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_started"]
    assert not RosterEntry.objects.filter(campaign=campaign).exists()

    response = client.post(url, {"confirm_started": "on"})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(campaign=campaign).exists()


def test_up_to_date_roster_asks_for_nothing(client, coordinator):
    campaign = CampaignFactory(starts_on=dt.date.today() - dt.timedelta(days=3))
    client.force_login(coordinator)
    RosterEntryFactory(campaign=campaign, staff=coordinator)
    response = client.get(
        reverse("campaigns:roster", args=[campaign.slug]), headers={"accept-language": "en"}
    )
    assert "The roster is up to date: its 1 person is in the same unit as now." in response.text
    assert "confirm_started" not in response.text
    assert "Take the roster" not in response.text.split('id="refresh-heading"', 1)[1]


def test_campaign_list_runs_a_fixed_number_of_queries(client, coordinator):
    client.force_login(coordinator)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("campaigns:list")).status_code == 200
        return len(context)

    for _ in range(2):
        campaign = CampaignFactory()
        RosterEntryFactory(campaign=campaign)
    few = queries()
    for _ in range(20):
        campaign = CampaignFactory()
        VisitFactory(campaign=campaign)
    assert queries() == few


def test_making_a_campaign_current_while_another_runs_asks_to_confirm_first(client, coordinator):
    today = dt.date.today()
    running = CampaignFactory(
        name="Käynnissä",
        is_current=True,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=30),
    )
    client.force_login(coordinator)
    data = campaign_form_data(make_current="on")

    asked = client.post(reverse("campaigns:create"), data)
    assert asked.status_code == 200
    form = asked.context["form"]
    assert "kampanjan ”Käynnissä” käyntien kirjaaminen päättyy" in " ".join(
        form.errors["make_current"]
    )
    assert "logging_end_confirmed" in form.fields
    assert not Campaign.objects.filter(slug="kylaan-2027").exists()

    confirmed = client.post(reverse("campaigns:create"), data | {"logging_end_confirmed": "on"})
    assert confirmed.status_code == 302
    running.refresh_from_db()
    assert not running.is_current
    assert Campaign.objects.current().slug == "kylaan-2027"


def test_the_confirmation_is_not_asked_when_no_campaign_runs(client, coordinator, campaign):
    client.force_login(coordinator)
    form = client.get(reverse("campaigns:create")).context["form"]
    assert "logging_end_confirmed" not in form.fields
    response = client.post(reverse("campaigns:create"), campaign_form_data(make_current="on"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "KYLÄÄN 2026"), ("starts_on", "1901-01-01"), ("ends_on", "9999-12-31")],
)
def test_a_taken_name_or_a_date_out_of_range_is_refused_next_to_the_field(
    client, coordinator, field, value
):
    CampaignFactory(name="Kylään 2026", slug="kylaan-2026")
    client.force_login(coordinator)
    response = client.post(reverse("campaigns:create"), campaign_form_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Campaign.objects.count() == 1


def test_the_clone_page_proposes_a_name_no_campaign_has(client, coordinator, campaign):
    CampaignFactory(name=f"{campaign.name} (kopio)")
    client.force_login(coordinator)
    form = client.get(reverse("campaigns:clone", args=[campaign.slug])).context["form"]
    assert form.initial["name"] == f"{campaign.name} (kopio 2)"


def test_new_themes_beyond_their_limit_are_refused_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    names = "\n".join(f"Teema {n}" for n in range(200))
    response = client.post(reverse("campaigns:create"), campaign_form_data(new_themes=names))
    assert response.status_code == 200
    assert response.context["form"].errors["new_themes"]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("query", ["per_page=-1&page=-1", "per_page=1000", "per_page=0&page=2"])
def test_the_campaign_list_takes_any_page_size_asked_for(client, coordinator, campaign, query):
    client.force_login(coordinator)
    assert client.get(f"{reverse('campaigns:list')}?{query}").status_code in (200, 404)
