"""The client's feedback link: the services (one answer per visit, changeable while the campaign's
logging is open, an address only with consent), the public page and its refusals (another visit's
token, an expired campaign, a made-up token), the throttle, and the visit page that shows the
link and the answer."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import CampaignFactory, VisitFactory
from visits.models import ClientFeedback, Visit
from visits.services import (
    FeedbackClosedError,
    FeedbackState,
    client_feedback_save,
    client_feedback_state,
    client_feedback_unsubscribe,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(running, visitor, today):
    return VisitFactory(
        campaign=running, created_by=visitor, visited_on=today - dt.timedelta(days=1)
    )


def _url(visit: Visit) -> str:
    return reverse("feedback:answer", kwargs={"feedback_token": visit.feedback_token})


def _answer(visit, **changes):
    values = {
        "benefit_rating": 4,
        "next_steps": "Lisää tilastokoulutusta.",
        "email": "",
        "wants_news": False,
        "language": "fi",
    } | changes
    return client_feedback_save(visit=visit, **values)


# --- Services -----------------------------------------------------------------------------------


def test_every_visit_has_its_own_unguessable_token(visit, running):
    other = VisitFactory(campaign=running)
    assert len(visit.feedback_token) >= 43
    assert visit.feedback_token != other.feedback_token


def test_one_answer_per_visit_that_the_client_can_change(visit):
    first = _answer(visit, benefit_rating=2)
    changed = _answer(visit, benefit_rating=5, next_steps="Toinen vastaus.", language="sv")

    assert ClientFeedback.objects.count() == 1
    assert changed.pk == first.pk
    stored = ClientFeedback.objects.get()
    assert (stored.benefit_rating, stored.next_steps, stored.language) == (
        5,
        "Toinen vastaus.",
        "sv",
    )
    assert stored.answered_at == first.answered_at


def test_an_address_is_kept_only_with_consent(visit):
    feedback = _answer(visit, email="asiakas@kunta.example", wants_news=True)
    assert feedback.email == "asiakas@kunta.example"
    assert feedback.email_consented_at is not None

    # Answering again without an address keeps it; withdrawing the consent removes it.
    assert _answer(visit, wants_news=True).email == "asiakas@kunta.example"
    withdrawn = _answer(visit, email="", wants_news=False)
    assert (withdrawn.email, withdrawn.email_consented_at) == ("", None)


def test_consent_without_any_address_is_refused(visit):
    with pytest.raises(ValidationError) as error:
        _answer(visit, wants_news=True)
    assert "email" in error.value.message_dict
    assert not ClientFeedback.objects.exists()


def test_the_database_refuses_an_address_without_consent(visit):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ClientFeedback.objects.create(
            visit=visit, benefit_rating=3, email="x@example.org", language="fi",
            answered_at=visit.created_at,
        )  # fmt: skip


def test_answers_close_with_the_campaigns_logging(visit, running):
    closes = running.logging_closes_on
    assert client_feedback_state(visit=visit, today=closes) == FeedbackState.OPEN
    assert client_feedback_state(visit=visit, today=closes + dt.timedelta(days=1)) == (
        FeedbackState.CLOSED
    )
    with pytest.raises(FeedbackClosedError):
        _answer(visit, today=closes + dt.timedelta(days=1))
    assert not ClientFeedback.objects.exists()


def test_a_planned_visit_has_no_link_and_a_withdrawn_one_is_closed(running, visitor, today):
    planned = VisitFactory(
        campaign=running, created_by=visitor, status=Visit.Status.PLANNED,
        visited_on=today + dt.timedelta(days=2),
    )  # fmt: skip
    cancelled = VisitFactory(campaign=running, created_by=visitor, status=Visit.Status.CANCELLED)
    assert client_feedback_state(visit=planned) == FeedbackState.UNKNOWN
    assert client_feedback_state(visit=cancelled) == FeedbackState.CLOSED
    assert client_feedback_state(visit=None) == FeedbackState.UNKNOWN


def test_unsubscribing_removes_the_address(visit):
    _answer(visit, email="asiakas@kunta.example", wants_news=True)
    assert client_feedback_unsubscribe(visit=visit) is True
    assert ClientFeedback.objects.get().email == ""
    assert client_feedback_unsubscribe(visit=visit) is False


# --- The public page ----------------------------------------------------------------------------


def test_the_client_answers_without_logging_in(client, visit):
    page = client.get(_url(visit))
    assert page.status_code == 200
    assert "How useful was our visit?" in page.text
    assert 'href="/privacy/#client-feedback"' in page.text
    assert 'action="/i18n/setlang/"' in page.text  # the language switcher
    assert "no-cache" in page.headers["Cache-Control"]

    response = client.post(
        _url(visit),
        {"benefit_rating": "5", "next_steps": "Jatketaan!", "email": "", "wants_news": ""},
        headers={"accept-language": "sv"},
    )
    assert response.status_code == 302
    feedback = ClientFeedback.objects.get(visit=visit)
    assert (feedback.benefit_rating, feedback.next_steps, feedback.language) == (
        5,
        "Jatketaan!",
        "sv",
    )

    again = client.get(response.url)
    assert "Tack för ditt svar!" in again.text
    assert re.search(r'value="5"[^>]*checked', again.text)


def test_a_changed_answer_does_not_show_the_address(client, visit):
    _answer(visit, email="salainen@kunta.example", wants_news=True)
    page = client.get(_url(visit))
    assert "salainen@kunta.example" not in page.text
    assert "Leave this empty to keep it" in page.text


def test_bad_input_is_told_next_to_the_field_and_nothing_is_stored(client, visit):
    response = client.post(
        _url(visit), {"benefit_rating": "9", "email": "ei-osoite", "wants_news": ""}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert "Tick the box" not in response.text
    assert "Select a valid choice" in response.text
    assert not ClientFeedback.objects.exists()

    response = client.post(_url(visit), {"benefit_rating": "3", "email": "a@kunta.example"})
    assert response.status_code == 400
    assert "Tick the box if we may keep your address" in response.text
    assert not ClientFeedback.objects.exists()


def test_a_made_up_token_gives_a_clear_page_and_stores_nothing(client, visit):
    for token in ["keksitty", visit.feedback_token[:-1] + "x", "x" * 500]:
        response = client.post(
            reverse("feedback:answer", kwargs={"feedback_token": token}), {"benefit_rating": "5"}
        )
        assert response.status_code == 404
        assert "This feedback link does not work" in response.text
    assert not ClientFeedback.objects.exists()


def test_another_visits_token_answers_only_that_visit(client, visit, running):
    other = VisitFactory(campaign=running)
    client.post(_url(other), {"benefit_rating": "2"})
    assert ClientFeedback.objects.get().visit == other
    assert not ClientFeedback.objects.filter(visit=visit).exists()


def test_an_expired_campaign_gives_a_clear_page_and_stores_nothing(client, visitor):
    ended = CampaignFactory(starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2024, 4, 1))
    old = VisitFactory(campaign=ended, created_by=visitor)
    response = client.post(_url(old), {"benefit_rating": "5"})
    assert response.status_code == 410
    assert "Answers for this visit have closed" in response.text
    assert not ClientFeedback.objects.exists()


def test_requests_are_throttled_per_address(client, visit, settings):
    settings.FEEDBACK_LIMIT_PER_ADDRESS = 3
    made_up = reverse("feedback:answer", kwargs={"feedback_token": "keksitty"})
    answers = [client.get(made_up).status_code for _ in range(3)]
    assert answers == [404, 404, 404]
    refused = client.post(_url(visit), {"benefit_rating": "5"})
    assert refused.status_code == 429
    assert not ClientFeedback.objects.exists()
    # Another address is not held back, and a plain look at an open link is never counted.
    assert client.get(_url(visit)).status_code == 200
    assert (
        client.post(_url(visit), {"benefit_rating": "5"}, REMOTE_ADDR="10.1.1.1").status_code == 302
    )


def test_the_unsubscribe_link_works_after_the_answers_close(client, visitor):
    ended = CampaignFactory(starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2024, 4, 1))
    old = VisitFactory(campaign=ended, created_by=visitor)
    ClientFeedback.objects.create(
        visit=old, benefit_rating=4, email="a@kunta.example", email_consented_at=old.created_at,
        language="fi", answered_at=old.created_at,
    )  # fmt: skip
    url = reverse("feedback:unsubscribe", kwargs={"feedback_token": old.feedback_token})
    assert "Remove my address" in client.get(url).text
    assert ClientFeedback.objects.get().email == "a@kunta.example"
    response = client.post(url, follow=True)
    assert "Your address is removed" in response.text
    assert ClientFeedback.objects.get().email == ""
    assert "Remove my address" not in response.text


# --- The visit page -----------------------------------------------------------------------------


def test_the_visitor_gets_the_link_and_its_qr_code(client, visit, visitor):
    client.force_login(visitor)
    page = client.get(visit.get_absolute_url()).text
    link = f"http://testserver{_url(visit)}"
    assert f'value="{link}"' in page
    assert '<svg viewBox="0 0 ' in page
    assert 'class="qr-code"' in page
    assert "style=" not in page.split('class="qr-code"', 1)[1].split("</svg>", 1)[0]
    assert "The client has not answered yet." in page


def test_the_visitor_sees_the_answer_escaped(client, visit, visitor):
    _answer(visit, benefit_rating=2, next_steps="<script>alert(1)</script> & <b>lisää</b>",
            email="a@kunta.example", wants_news=True)  # fmt: skip
    client.force_login(visitor)
    page = client.get(visit.get_absolute_url()).text
    assert '<dd data-figure="client-benefit">2 / 5</dd>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;lisää&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page
    assert "a@kunta.example" not in page


def test_a_unit_manager_sees_the_answer_but_gets_no_link(client, visit, unit_manager):
    _answer(visit, benefit_rating=3)
    client.force_login(unit_manager)
    page = client.get(visit.get_absolute_url()).text
    assert '<dd data-figure="client-benefit">3 / 5</dd>' in page
    assert visit.feedback_token not in page


def test_someone_else_cannot_open_the_visit_nor_its_link(client, visit, outsider):
    client.force_login(outsider)
    assert client.get(visit.get_absolute_url()).status_code == 404


def test_the_token_stays_out_of_the_visits_history(client, visit, visitor):
    client.force_login(visitor)
    history = client.get(visit.get_absolute_url()).text.split('id="history-heading"')[-1]
    assert visit.feedback_token not in history
