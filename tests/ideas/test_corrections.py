"""Correcting an idea's wording and withdrawing an idea logged by mistake: who may, what is kept,
and that a withdrawn idea drops out of the figures, the list and the exports. And the likely
originals offered when triaging a duplicate."""

import datetime as dt
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ideas.models import Idea
from ideas.selectors import SIMILAR_TITLE_THRESHOLD, ideas_similar_to, title_similarity
from ideas.services import (
    REMOVED_FROM_HISTORY,
    idea_correct,
    idea_mark_duplicate,
    idea_triage,
    idea_withdraw,
)
from leaderboard.selectors import organisation_figures, unit_standings
from tests.factories import IdeaFactory, RosterEntryFactory, StaffFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(running, staff_member):
    """An idea the staff member logged on a counted visit of the running campaign."""
    RosterEntryFactory(campaign=running, staff=staff_member)
    visit = VisitFactory(campaign=running, created_by=staff_member)
    return IdeaFactory(visit=visit, title="Neuvontapalvelu", text="Soitin Maija Meikäläiselle.")


def test_the_person_who_logged_it_corrects_the_wording(logged, staff_member):
    idea_correct(idea=logged, by=staff_member, title=" Neuvontapiste ", text="Yksi neuvontapiste.")
    logged.refresh_from_db()
    assert (logged.title, logged.text) == ("Neuvontapiste", "Yksi neuvontapiste.")
    entry = LogEntry.objects.get_for_object(logged).latest("timestamp")
    assert entry.actor == staff_member
    assert entry.changes["text"] == ["Soitin Maija Meikäläiselle.", "Yksi neuvontapiste."]


def test_personal_data_can_be_removed_from_the_history(logged, staff_member):
    idea_correct(
        idea=logged,
        by=staff_member,
        title="Neuvontapalvelu",
        text="Yksi neuvontapiste.",
        forget_earlier_wording=True,
    )
    entries = list(LogEntry.objects.get_for_object(logged).order_by("timestamp", "pk"))
    assert len(entries) == 2  # recorded, corrected: who and when are kept
    everything = " ".join(str(entry.changes) + entry.changes_text for entry in entries)
    assert "Meikäläise" not in everything
    assert entries[-1].changes["text"] == [REMOVED_FROM_HISTORY, "Yksi neuvontapiste."]
    assert entries[-1].actor == staff_member


def test_others_and_the_logger_after_logging_closes_may_not_correct(
    logged, staff_member, coordinator, running
):
    colleague = StaffFactory(unit=staff_member.unit)
    with pytest.raises(PermissionDenied):
        idea_correct(idea=logged, by=colleague, title="Toinen", text="")
    running.starts_on = dt.date(2026, 1, 1)
    running.ends_on = dt.date(2026, 2, 1)
    running.save()
    logged.refresh_from_db()
    with pytest.raises(PermissionDenied):
        idea_correct(idea=logged, by=staff_member, title="Myöhässä", text="")
    with pytest.raises(PermissionDenied):
        idea_withdraw(idea=logged, by=staff_member)
    # Coordinators can still correct it.
    idea_correct(idea=logged, by=coordinator, title="Koordinaattorin korjaama", text="")
    logged.refresh_from_db()
    assert logged.title == "Koordinaattorin korjaama"


def test_a_title_cannot_be_emptied(logged, staff_member):
    with pytest.raises(ValidationError) as error:
        idea_correct(idea=logged, by=staff_member, title="  ", text="")
    assert "title" in error.value.message_dict
    logged.refresh_from_db()
    assert logged.title == "Neuvontapalvelu"


def test_a_withdrawn_idea_is_kept_marked_and_counts_nowhere(logged, staff_member, running):
    assert organisation_figures(campaign=running).ideas == 1
    idea_withdraw(idea=logged, by=staff_member)
    logged.refresh_from_db()
    assert logged.is_withdrawn
    assert logged.withdrawn_by == staff_member
    assert not Idea.objects.counted().filter(pk=logged.pk).exists()
    assert organisation_figures(campaign=running).ideas == 0
    assert [s.ideas for s in unit_standings(campaign=running)] == [0]
    # Audited, and nothing more can be done to it.
    entry = LogEntry.objects.get_for_object(logged).latest("timestamp")
    assert "withdrawn_at" in entry.changes
    with pytest.raises(PermissionDenied):
        idea_correct(idea=logged, by=staff_member, title="Uusi", text="")
    with pytest.raises(PermissionDenied):
        idea_triage(
            idea=logged,
            by=StaffFactory(role="Coordinators"),
            theme=None,
            owner_unit=None,
            status=Idea.Status.IN_REVIEW,
            due_on=None,
            official_response="",
        )


def test_an_idea_others_duplicate_is_not_withdrawn(logged, staff_member, coordinator):
    copy = IdeaFactory(visit=logged.visit, title="Sama uudestaan")
    idea_mark_duplicate(idea=copy, original=logged, by=coordinator)
    with pytest.raises(ValidationError) as error:
        idea_withdraw(idea=logged, by=staff_member)
    assert str(copy.pk) in error.value.messages[0]
    logged.refresh_from_db()
    assert not logged.is_withdrawn


# --- pages ---------------------------------------------------------------------------------------


def test_the_idea_page_offers_the_correction_to_its_logger_only(client, logged, staff_member):
    client.force_login(staff_member)
    html = client.get(logged.get_absolute_url()).content.decode()
    assert reverse("ideas:edit", args=[logged.pk]) in html
    manager = StaffFactory(unit=staff_member.unit, role="Unit managers")
    client.force_login(manager)
    response = client.get(logged.get_absolute_url())
    assert response.status_code == 200
    assert reverse("ideas:edit", args=[logged.pk]) not in response.content.decode()
    assert client.get(reverse("ideas:edit", args=[logged.pk])).status_code == 403


def test_correcting_on_the_page(client, logged, staff_member):
    client.force_login(staff_member)
    url = reverse("ideas:edit", args=[logged.pk])
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "title": "Neuvontapiste",
            "text": "Yksi neuvontapiste.",
            "forget_earlier_wording": "on",
            "revision": form.initial["revision"],
        },
    )
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.title == "Neuvontapiste"
    history = client.get(logged.get_absolute_url()).content.decode()
    assert "Meikäläiselle" not in history


def test_an_empty_title_is_shown_with_what_was_typed(client, logged, staff_member):
    client.force_login(staff_member)
    url = reverse("ideas:edit", args=[logged.pk])
    response = client.post(url, {"title": "", "text": "Uusi teksti"})
    assert response.status_code == 400
    assert "Uusi teksti" in response.content.decode()


def test_a_correction_made_on_an_outdated_form_is_refused(client, logged, staff_member):
    client.force_login(staff_member)
    url = reverse("ideas:edit", args=[logged.pk])
    revision = client.get(url).context["form"].initial["revision"]
    idea_correct(idea=logged, by=staff_member, title="Toisen korjaama", text="")
    response = client.post(url, {"title": "Minun", "text": "", "revision": revision})
    assert response.status_code == 409
    logged.refresh_from_db()
    assert logged.title == "Toisen korjaama"
    assert "Minun" in response.content.decode()


def test_withdrawing_on_the_page_drops_it_from_the_list_and_the_export(
    client, logged, staff_member, coordinator
):
    client.force_login(staff_member)
    url = reverse("ideas:withdraw", args=[logged.pk])
    assert "Neuvontapalvelu" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    logged.refresh_from_db()
    assert logged.is_withdrawn
    assert logged.pk not in [r.record.pk for r in client.get("/ideas/").context["table"].rows]
    # Its page and its visit still show it, marked.
    detail = client.get(logged.get_absolute_url(), headers={"accept-language": "en"})
    assert "data-idea-withdrawn" in detail.content.decode()
    visit_page = client.get(logged.visit.get_absolute_url(), headers={"accept-language": "en"})
    assert "Withdrawn" in visit_page.content.decode()
    # Asking again says so.
    again = client.get(url, headers={"accept-language": "en"})
    assert "already withdrawn" in again.content.decode()
    client.force_login(coordinator)
    for export in ("/ideas/export.csv", "/ideas/export.xlsx"):
        response = client.get(export)
        assert response.status_code == 200
    csv = b"".join(client.get("/ideas/export.csv").streaming_content).decode()
    assert "Neuvontapalvelu" not in csv
    assert (
        IdeaFactory(visit=logged.visit, title="Toinen idea").title
        in b"".join(client.get("/ideas/export.csv").streaming_content).decode()
    )


# --- duplicate suggestions -----------------------------------------------------------------------


def test_similar_titles_in_the_same_campaign_are_offered_as_originals(running, coordinator):
    def idea(title, **kwargs):
        return IdeaFactory(visit=VisitFactory(campaign=running), title=title, **kwargs)

    first = idea("Rajapinta tilastotietoihin")
    second = idea("Rajapinta tilastotietoihin")
    close = idea("Rajapinnat tilastotietoon")
    idea("Yhteinen vuosikalenteri")
    idea("Rajapinta tilastotietoihin", withdrawn_at=timezone.now(), withdrawn_by=coordinator)
    IdeaFactory(title="Rajapinta tilastotietoihin")  # another campaign
    found = ideas_similar_to(idea=second, user=coordinator)
    assert [similar.idea for similar in found] == [first, close]
    assert found[0].similarity == pytest.approx(1.0)
    assert SIMILAR_TITLE_THRESHOLD <= found[1].similarity < 1
    # The measure is pg_trgm's: what PostgreSQL says is what the SQLite fallback computes.
    assert found[1].similarity == pytest.approx(
        title_similarity("Rajapinta tilastotietoihin", "Rajapinnat tilastotietoon"), abs=1e-6
    )


def test_the_triage_page_offers_the_similar_idea_in_one_click(client, running, coordinator):
    first = IdeaFactory(visit=VisitFactory(campaign=running), title="Kansalliset indikaattorit")
    again = IdeaFactory(visit=VisitFactory(campaign=running), title="Kansalliset indikaattorit")
    client.force_login(coordinator)
    html = client.get(again.get_absolute_url(), headers={"accept-language": "en"}).text
    assert "Ideas with a similar title in this campaign" in html
    assert f'name="original" value="{first.pk}"' in html
    response = client.post(reverse("ideas:mark_duplicate", args=[again.pk]), {"original": first.pk})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.duplicate_of == first


def test_title_similarity_worked_by_hand():
    # "kela": "  k", " ke", "kel", "ela", "la "; "kelan": "  k", " ke", "kel", "ela", "lan", "an ".
    assert title_similarity("Kela", "kelan") == pytest.approx(4 / 7)
    assert title_similarity("", "") == 0.0
    assert title_similarity("Avoin data", "data, avoin!") == 1.0


def test_without_postgresql_the_same_suggestions_are_computed_in_python(running, coordinator):
    first = IdeaFactory(visit=VisitFactory(campaign=running), title="Rajapinta tilastotietoihin")
    again = IdeaFactory(visit=VisitFactory(campaign=running), title="Rajapinnat tilastotietoon")
    on_postgresql = ideas_similar_to(idea=again, user=coordinator)
    with mock.patch.object(connection, "vendor", "sqlite"):
        in_python = ideas_similar_to(idea=again, user=coordinator)
    assert [s.idea for s in in_python] == [s.idea for s in on_postgresql] == [first]
    assert in_python[0].similarity == pytest.approx(on_postgresql[0].similarity, abs=1e-6)
