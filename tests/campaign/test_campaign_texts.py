"""A campaign's name, definition of a visit and leadership message in Finnish, Swedish and
English: each reader sees their language, Finnish where a text is not given in it."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.services import campaign_clone
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(running):
    running.name = "Sopiiko tulla kylään?"
    running.name_sv = "Får vi komma på besök?"
    running.visit_definition = "Noin tunti asiakkaan luona."
    running.visit_definition_sv = "Ungefär en timme hos kunden."
    running.description = "Johto kävi ensin."
    running.description_en = "The leaders went first."
    running.save()
    return running


def test_each_text_in_the_language_asked_for_finnish_where_it_is_missing(texts):
    assert texts.in_language("name", "sv") == "Får vi komma på besök?"
    assert texts.in_language("name", "en") == "Sopiiko tulla kylään?"
    assert texts.in_language("description", "en-gb") == "The leaders went first."
    assert texts.in_language("description", "sv") == "Johto kävi ensin."
    with translation.override("sv"):
        assert str(texts) == "Får vi komma på besök?"
        assert texts.local_visit_definition == "Ungefär en timme hos kunden."
    with translation.override("fi"):
        assert texts.local_name == "Sopiiko tulla kylään?"


@pytest.mark.parametrize(
    ("language", "name", "definition", "message"),
    [
        ("fi", "Sopiiko tulla kylään?", "Noin tunti asiakkaan luona.", "Johto kävi ensin."),
        ("sv", "Får vi komma på besök?", "Ungefär en timme hos kunden.", "Johto kävi ensin."),
        ("en", "Sopiiko tulla kylään?", "Noin tunti asiakkaan luona.", "The leaders went first."),
    ],
)
def test_the_front_page_and_the_visit_form_speak_the_readers_language(
    client, texts, staff_member, language, name, definition, message
):
    client.force_login(staff_member)
    headers = {"accept-language": language}
    front = client.get("/", headers=headers).content.decode()
    assert f"<h1>{name}</h1>" in front
    assert definition in front
    assert message in front
    form = client.get(reverse("visits:new"), headers=headers).content.decode()
    assert definition in form


def test_the_settings_take_the_texts_in_three_languages_and_a_clone_keeps_the_messages(
    client, texts, coordinator
):
    client.force_login(coordinator)
    form = client.get(reverse("campaigns:edit", args=[texts.slug])).context["form"]
    for name in ("name_sv", "name_en", "visit_definition_en", "description_sv"):
        assert name in form.fields
    clone = campaign_clone(
        source=texts, name="Kylään 2027", starts_on=texts.starts_on, ends_on=texts.ends_on
    )
    assert (clone.name_sv, clone.description_en) == ("", "The leaders went first.")
    assert clone.visit_definition_sv == "Ungefär en timme hos kunden."


def test_a_campaign_made_before_the_translations_shows_its_texts_to_everyone():
    campaign = CampaignFactory(name="Vanha kampanja", description="Viesti")
    for language in ("fi", "sv", "en"):
        assert campaign.in_language("name", language) == "Vanha kampanja"
        assert campaign.in_language("description", language) == "Viesti"
