"""Reads for the visit pages, each with what its page shows preloaded."""

import difflib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Client, Staff, client_name_key
from campaign.roles import is_coordinator
from visits.models import Visit, VisitParticipant
from visits.rules import VisitStatus

SEARCH_LIMIT = 20


def _participations():
    return Prefetch(
        "participations",
        queryset=VisitParticipant.objects.select_related("staff", "unit").order_by("pk"),
    )


def visit_list(*, user):
    """The visits the user may see, with client, campaign, participants and idea counts."""
    return (
        Visit.objects.visible_to(user)
        .select_related("campaign", "client")
        .annotate(idea_count=Count("ideas", distinct=True))
        .prefetch_related(_participations())
        .order_by("-visited_on", "-pk")
    )


def visit_list_for_participant(*, user, campaign: Campaign, limit: int = 10):
    """The user's own latest visits in the campaign, with what the front page shows preloaded."""
    return (
        Visit.objects.in_campaign(campaign)
        .with_participant(user)
        .select_related("client", "campaign")
        .annotate(idea_count=Count("ideas"))
        .order_by("-visited_on", "-pk")[:limit]
    )


def visit_detail(*, user, pk: int) -> Visit | None:
    """One visit the user may see, with its campaign, client, creator and participants."""
    return (
        Visit.objects.visible_to(user)
        .select_related("campaign", "client", "created_by")
        .prefetch_related(_participations())
        .filter(pk=pk)
        .first()
    )


def visit_editable_by(*, visit: Visit, user) -> bool:
    """The creator, every participant and coordinators may change a visit; unit managers only
    read their unit's visits."""
    if not user.has_perm("visits.change_visit"):
        return False
    if is_coordinator(user) or visit.created_by_id == user.pk:
        return True
    return any(p.staff_id == user.pk for p in visit.participations.all())


@dataclass(frozen=True)
class EarlierVisit:
    visit_id: int
    visited_on: object
    status: str
    status_display: str
    units: tuple[str, ...]

    @property
    def is_done(self) -> bool:
        return self.status == VisitStatus.DONE


def visits_to_clients(
    *, campaign: Campaign, client_ids, exclude_visit_id: int | None = None
) -> dict[int, list[EarlierVisit]]:
    """Who already visited each client in the campaign (date and units), cancelled visits left
    out: so staff can spread their visits over many clients."""
    visits = (
        Visit.objects.in_campaign(campaign)
        .filter(client_id__in=list(client_ids))
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(pk=exclude_visit_id)
        .prefetch_related(
            Prefetch("participations", queryset=VisitParticipant.objects.select_related("unit"))
        )
        .order_by("-visited_on", "-pk")
    )
    found = defaultdict(list)
    for visit in visits:
        units = tuple(dict.fromkeys(p.unit.name for p in visit.participations.all()))
        found[visit.client_id].append(
            EarlierVisit(
                visit_id=visit.pk,
                visited_on=visit.visited_on,
                status=visit.status,
                status_display=visit.get_status_display(),
                units=units,
            )
        )
    return dict(found)


def client_search(*, query: str, limit: int = SEARCH_LIMIT):
    """Clients whose name or region contains the query, or whose business ID starts with it, for
    the client picker."""
    clients = Client.objects.order_by("name")
    query = query.strip()
    if not query:
        return []
    return list(
        clients.filter(
            Q(name__icontains=query) | Q(region__icontains=query) | Q(business_id__startswith=query)
        )[:limit]
    )


@dataclass
class SimilarClients:
    same_business_id: Client | None = None
    same_name: Client | None = None
    similar_names: list[Client] = field(default_factory=list)

    def __bool__(self):
        return bool(self.same_business_id or self.similar_names)

    def choices(self) -> list[Client]:
        """The clients offered to pick instead of adding a new one, at most five."""
        offered = [self.same_business_id, self.same_name, *self.similar_names]
        unique = {client.pk: client for client in offered if client is not None}
        return list(unique.values())[:5]


def clients_similar_to(*, name: str, business_id: str = "") -> SimilarClients:
    """Existing clients that may be the one being added: the same business ID, or a name that
    contains, is contained in or closely resembles the new one."""
    result = SimilarClients()
    business_id = business_id.strip()
    if business_id:
        result.same_business_id = Client.objects.filter(business_id=business_id).first()
    wanted = client_name_key(name)
    if len(wanted) < 3:
        return result
    candidates = Client.objects.only("pk", "name", "kind", "region")
    for client in candidates:
        existing = client_name_key(client.name)
        if existing == wanted and result.same_name is None:
            result.same_name = client
        if (
            wanted in existing
            or existing in wanted
            or difflib.SequenceMatcher(None, wanted, existing).ratio() >= 0.8
        ):
            result.similar_names.append(client)
    return result


def staff_search(*, query: str, limit: int = SEARCH_LIMIT):
    """Active staff whose name or username matches every word of the query, with their unit."""
    words = query.split()
    if not words:
        return []
    people = Staff.objects.filter(is_active=True).select_related("unit")
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return list(people.order_by("last_name", "first_name")[:limit])


VISIT_ACTIONS = {
    LogEntry.Action.CREATE: _("Visit logged"),
    LogEntry.Action.UPDATE: _("Visit changed"),
    LogEntry.Action.DELETE: _("Visit deleted"),
}
PARTICIPANT_ACTIONS = {
    LogEntry.Action.CREATE: _("Participant added"),
    LogEntry.Action.UPDATE: _("Participant changed"),
    LogEntry.Action.DELETE: _("Participant removed"),
}


@dataclass(frozen=True)
class HistoryEntry:
    timestamp: object
    actor: str
    action: str
    subject: str
    changes: dict


def visit_history(*, visit: Visit) -> list[HistoryEntry]:
    """The audit trail of the visit and its participants, newest first."""
    participant_type = ContentType.objects.get_for_model(VisitParticipant)
    entries = (
        LogEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Visit), object_pk=str(visit.pk))
            | Q(
                Q(changes__visit__0=str(visit.pk)) | Q(changes__visit__1=str(visit.pk)),
                content_type=participant_type,
            )
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    history = []
    for entry in entries:
        is_participant = entry.content_type_id == participant_type.pk
        changes = {}
        if entry.action == LogEntry.Action.UPDATE and not is_participant:
            changes = entry.changes_display_dict
        history.append(
            HistoryEntry(
                timestamp=entry.timestamp,
                actor=str(entry.actor) if entry.actor else "",
                action=(PARTICIPANT_ACTIONS if is_participant else VISIT_ACTIONS).get(
                    entry.action, entry.get_action_display()
                ),
                subject=entry.object_repr if is_participant else "",
                changes=changes,
            )
        )
    return history


def visit_by_submission_token(*, token) -> Visit | None:
    """The visit a form with this one-time token already made, if any."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Visit.objects.filter(submission_token=token).first()
