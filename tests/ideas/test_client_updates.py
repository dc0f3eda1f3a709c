""" "You said, we did": the client who left an address hears once of each idea accepted,
implemented or declined, with the official response, in the language they answered in, through a
real SMTP server on loopback; and the public page of a campaign's shareable ideas."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from ideas.models import ClientIdeaUpdate, Idea
from ideas.services import client_updates_send, idea_triage
from tests.factories import CampaignFactory, IdeaFactory, VisitFactory
from visits.models import ClientFeedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(running, visitor, today):
    visit = VisitFactory(campaign=running, created_by=visitor, visited_on=today)
    ClientFeedback.objects.create(
        visit=visit, benefit_rating=5, email="asiakas@kunta.example",
        email_consented_at=visit.created_at, language="sv", answered_at=visit.created_at,
    )  # fmt: skip
    return visit


def _triage(idea, coordinator, status, response="Vi gör det i vår."):
    return idea_triage(
        idea=idea, by=coordinator, theme=None, owner_unit=None, status=status, due_on=None,
        official_response=response,
    )  # fmt: skip


def _accept(idea, coordinator):
    _triage(idea, coordinator, Idea.Status.IN_REVIEW, "")
    return _triage(idea, coordinator, Idea.Status.ACCEPTED)


def test_the_client_hears_once_in_their_language(smtp_server, settings, answered, coordinator):
    settings.SITE_URL = "https://kylaan.example"
    settings.ORGANISATION_NAME = "Institutet"
    idea = IdeaFactory(visit=answered, title="Statistikkurs <för alla>", text="Vi vill lära oss.")
    IdeaFactory(visit=answered, title="Still new")  # not decided: nothing to tell
    _accept(idea, coordinator)

    assert client_updates_send().sent == 1
    assert client_updates_send().sent == 0  # a second run sends nothing new

    message = smtp_server.only()
    assert message["To"] == "asiakas@kunta.example"
    assert (
        message["Subject"].strip()
        == "Institutet: vad som hände med din idé ”Statistikkurs <för alla>”"
    )
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "Idéns status nu: godkänd." in text
    assert "Vi gör det i vår." in text
    unsubscribe = "https://kylaan.example" + reverse(
        "feedback:unsubscribe", kwargs={"feedback_token": answered.feedback_token}
    )
    assert unsubscribe in text
    assert f'href="{unsubscribe}"' in html
    assert "Statistikkurs &lt;för alla&gt;" in html
    assert ClientIdeaUpdate.objects.get().sent_at is not None


def test_implemented_later_is_news_again(smtp_server, answered, coordinator):
    idea = _accept(IdeaFactory(visit=answered), coordinator)
    client_updates_send()
    _triage(idea, coordinator, Idea.Status.IN_PROGRESS)
    assert client_updates_send().sent == 0  # in progress is no news
    _triage(idea, coordinator, Idea.Status.IMPLEMENTED, "Kursen hölls i maj.")
    assert client_updates_send().sent == 1
    assert len(smtp_server.received) == 2
    assert "Kursen hölls i maj." in smtp_server.text(smtp_server.received[1])


def test_no_mail_without_an_address_or_a_response(smtp_server, answered, coordinator, running):
    silent = VisitFactory(campaign=running)
    ClientFeedback.objects.create(
        visit=silent, benefit_rating=3, language="fi", answered_at=silent.created_at
    )
    _accept(IdeaFactory(visit=silent), coordinator)
    _accept(IdeaFactory(visit=VisitFactory(campaign=running)), coordinator)  # no answer at all
    _triage(IdeaFactory(visit=answered), coordinator, Idea.Status.IN_REVIEW, "")
    assert client_updates_send().sent == 0
    assert smtp_server.received == []


def test_a_refused_mail_is_sent_on_a_later_run(settings, answered, coordinator, smtp_server):
    _accept(IdeaFactory(visit=answered), coordinator)
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    assert client_updates_send().failed == 1
    assert not ClientIdeaUpdate.objects.exists()
    settings.EMAIL_PORT = real_port
    assert client_updates_send().sent == 1
    assert len(smtp_server.received) == 1


def test_no_mail_after_the_address_retention(smtp_server, answered, coordinator, running):
    _accept(IdeaFactory(visit=answered), coordinator)
    late = running.client_emails_kept_until + dt.timedelta(days=1)
    assert client_updates_send(today=late).sent == 0


def test_the_command_says_what_it_sent(smtp_server, answered, coordinator, capsys):
    _accept(IdeaFactory(visit=answered), coordinator)
    call_command("send_client_updates")
    assert "Client updates: 1 sent, 0 to retry" in capsys.readouterr().out


# --- The public page ----------------------------------------------------------------------------


def test_a_published_campaign_shows_its_shareable_ideas_without_login(
    client, answered, coordinator
):
    answered.campaign.ideas_published = True
    answered.campaign.save()
    shared = _accept(IdeaFactory(visit=answered, title="Yhteinen <vuosikello>"), coordinator)
    shared.is_shareable = True
    shared.save()
    IdeaFactory(visit=answered, title="Sisäinen idea")  # not shareable

    page = client.get(reverse("campaigns:shared_ideas", args=[answered.campaign.slug]))

    assert page.status_code == 200
    assert "Yhteinen &lt;vuosikello&gt;" in page.text
    assert "Vi gör det i vår." in page.text
    assert "Sisäinen idea" not in page.text
    for private in ["asiakas@kunta.example", answered.client.name, str(answered.created_by)]:
        assert private not in page.text


def test_an_unpublished_campaign_has_no_public_page(client, running):
    assert client.get(reverse("campaigns:shared_ideas", args=[running.slug])).status_code == 404
    other = CampaignFactory(ideas_published=False)
    assert client.get(reverse("campaigns:shared_ideas", args=[other.slug])).status_code == 404


def test_the_clients_address_is_in_no_idea_list_page_or_export(client, answered, coordinator):
    idea = IdeaFactory(visit=answered, title="Näkyvä idea")
    client.force_login(coordinator)
    listed = client.get(reverse("ideas:list")).text
    assert "Näkyvä idea" in listed
    texts = [listed, client.get(reverse("ideas:detail", args=[idea.pk])).text]
    csv = client.get(reverse("ideas:export_csv"))
    texts.append(b"".join(csv.streaming_content).decode("utf-8-sig"))
    xlsx = client.get(reverse("ideas:export_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    texts.append(
        " ".join(str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row)
    )
    assert "Näkyvä idea" in texts[-1]
    for text in texts:
        assert "asiakas@kunta.example" not in text
