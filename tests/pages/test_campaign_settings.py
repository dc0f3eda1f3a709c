"""The campaign settings page: saving, and the preview of a change of rules or weights."""

import pytest
from django.urls import reverse

from tests.factories import VisitFactory
from tests.forms import campaign_form_data

pytestmark = pytest.mark.django_db


def test_edit_keeps_the_short_name_required(client, coordinator, campaign):
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:edit", args=[campaign.slug]), campaign_form_data(campaign, slug="")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["slug"]


def test_edit_without_visits_saves_at_once(client, coordinator, campaign):
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:edit", args=[campaign.slug]),
        campaign_form_data(campaign, min_minutes=45),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.min_minutes == 45


def test_rule_change_with_visits_is_previewed_before_it_is_saved(client, coordinator, campaign):
    VisitFactory(campaign=campaign, minutes=45)
    VisitFactory(campaign=campaign, minutes=60)
    client.force_login(coordinator)
    url = reverse("campaigns:edit", args=[campaign.slug])

    response = client.post(url, campaign_form_data(campaign, min_minutes=45))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.counted_before, preview.counted_after) == (1, 2)
    assert 'data-figure="counted-after">2<' in response.text
    campaign.refresh_from_db()
    assert campaign.min_minutes == 60

    response = client.post(url, campaign_form_data(campaign, min_minutes=45, confirm="1"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.min_minutes == 45


def test_message_change_with_visits_needs_no_preview(client, coordinator, campaign):
    VisitFactory(campaign=campaign)
    client.force_login(coordinator)
    response = client.post(
        reverse("campaigns:edit", args=[campaign.slug]),
        campaign_form_data(campaign, description="Uusi viesti johdolta"),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.description == "Uusi viesti johdolta"


def test_a_coordinator_publishes_the_ideas_and_sets_the_address_retention(
    client, coordinator, campaign
):
    client.force_login(coordinator)
    url = reverse("campaigns:edit", args=[campaign.slug])
    response = client.post(
        url,
        campaign_form_data(campaign, ideas_published="on", client_email_retention_days=90),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.ideas_published, campaign.client_email_retention_days) == (True, 90)
    assert client.get(reverse("campaigns:shared_ideas", args=[campaign.slug])).status_code == 200

    too_long = client.post(url, campaign_form_data(campaign, client_email_retention_days=2000))
    assert too_long.status_code == 200
    assert list(too_long.context["form"].errors) == ["client_email_retention_days"]
