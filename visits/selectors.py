"""Reads for the visit pages, each with what its page shows preloaded."""

import difflib
import uuid
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Prefetch, Q, Value, When
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Client, Staff, client_name_key, normalised_client_name
from campaign.roles import is_coordinator
from visits.models import (
    FEEDBACK_TOKEN_LENGTH,
    CalendarFeed,
    ClientFeedback,
    Visit,
    VisitParticipant,
)
from visits.rules import VisitStatus

# A picker's search shows this many rows; a form without JavaScript offers this many matches.
SEARCH_LIMIT = 20
MATCH_LIMIT = 10


def _participations():
    return Prefetch(
        "participations",
        queryset=VisitParticipant.objects.select_related("staff", "unit").order_by("pk"),
    )


def visit_list(*, user):
    """The visits the user may see, with client, campaign and participants (a page's idea counts:
    `visit_idea_counts`)."""
    return (
        Visit.objects.visible_to(user)
        .select_related("campaign", "client")
        .prefetch_related(_participations())
        .order_by("-visited_on", "-pk")
    )


def visit_idea_counts(*, visit_ids) -> dict[int, int]:
    """How many ideas each of these visits brought: one query over one page's visits, where a
    count annotated on the list would group every visit of the campaign before the page."""
    rows = (
        Visit.objects.filter(pk__in=list(visit_ids))
        .annotate(idea_count=Count("ideas"))
        .values_list("pk", "idea_count")
    )
    return dict(rows)


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


@dataclass(frozen=True)
class EarlierVisits:
    """The latest visits to a client in a campaign, and how many there are in all."""

    latest: list[EarlierVisit]
    total: int

    def __bool__(self):
        return self.total > 0

    def __iter__(self):
        return iter(self.latest)

    def __getitem__(self, index):
        return self.latest[index]

    @property
    def more(self) -> int:
        return self.total - len(self.latest)


def visits_to_client(
    *, campaign: Campaign, client_id: int, exclude_visit_id: int | None = None, limit: int = 10
) -> EarlierVisits:
    """Who already visited the client in the campaign (date and units), cancelled visits left
    out, so staff can spread their visits over many clients: the latest `limit` of them, and the
    total (a client of a large organisation may have hundreds)."""
    visits = (
        Visit.objects.in_campaign(campaign)
        .filter(client_id=client_id)
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(pk=exclude_visit_id)
    )
    latest = list(
        visits.prefetch_related(
            Prefetch("participations", queryset=VisitParticipant.objects.select_related("unit"))
        ).order_by("-visited_on", "-pk")[:limit]
    )
    total = len(latest) if len(latest) < limit else visits.count()
    return EarlierVisits(
        latest=[
            EarlierVisit(
                visit_id=visit.pk,
                visited_on=visit.visited_on,
                status=visit.status,
                status_display=visit.get_status_display(),
                units=tuple(dict.fromkeys(p.unit.name for p in visit.participations.all())),
            )
            for visit in latest
        ],
        total=total,
    )


def client_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[Client]:
    """Clients whose name or region contains the query, or whose business ID starts with it, for
    the client picker: names that start with the query first, then alphabetically."""
    query = normalised_client_name(query)
    if not query:
        return []
    return list(
        Client.objects.filter(
            Q(name__icontains=query) | Q(region__icontains=query) | Q(business_id__startswith=query)
        )
        .alias(starts=Case(When(name__istartswith=query, then=0), default=1))
        .order_by("starts", "name")[:limit]
    )


@dataclass(frozen=True)
class Lookup:
    """What a picker's typed text names: the one row it names exactly (a client's whole name or
    business ID, a person's full name or username), else the rows that match it, to choose from."""

    found: object | None = None
    matches: list = field(default_factory=list)


def client_lookup(*, query: str, limit: int = MATCH_LIMIT) -> Lookup:
    """The client the visit form's typed text names, for the form without JavaScript: an exact
    name (case and spacing aside) or business ID is that client; anything else is a search whose
    matches the person chooses from."""
    query = normalised_client_name(query)
    if not query:
        return Lookup()
    exact = list(Client.objects.filter(Q(name__iexact=query) | Q(business_id=query))[:2])
    if len(exact) == 1:
        return Lookup(found=exact[0])
    return Lookup(matches=client_search(query=query, limit=limit))


def _active_staff(exclude_ids):
    return (
        Staff.objects.filter(is_active=True)
        .exclude(pk__in=[pk for pk in exclude_ids if pk is not None])
        .select_related("unit")
    )


def staff_search(*, query: str, exclude_ids=(), limit: int = SEARCH_LIMIT) -> list[Staff]:
    """Active staff whose name or username matches every word of the query, with their unit; the
    people in `exclude_ids` (the logger, who is on the visit anyway) left out."""
    words = query.split()
    if not words:
        return []
    people = _active_staff(exclude_ids)
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return list(people.order_by("last_name", "first_name", "pk")[:limit])


def staff_lookup(*, query: str, exclude_ids=(), limit: int = MATCH_LIMIT) -> Lookup:
    """The colleague the visit form's typed text names, for the form without JavaScript: one
    person whose full name or username it is exactly (case and spacing aside), else the people
    it matches, to choose from."""
    query = " ".join(query.split())
    if not query:
        return Lookup()
    exact = list(
        _active_staff(exclude_ids)
        .alias(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(Q(full_name__iexact=query) | Q(username__iexact=query))[:2]
    )
    if len(exact) == 1:
        return Lookup(found=exact[0])
    return Lookup(matches=staff_search(query=query, exclude_ids=exclude_ids, limit=limit))


def staff_by_ids(*, ids) -> list[Staff]:
    """The people with these ids, with their units, in the order given: the co-visitors a form
    shows as chosen."""
    wanted = [pk for pk in ids if pk is not None]
    found = Staff.objects.select_related("unit").in_bulk(wanted)
    return [found[pk] for pk in dict.fromkeys(wanted) if pk in found]


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


def calendar_feed_of(*, staff) -> CalendarFeed | None:
    """The person's calendar address, if they have made one."""
    return CalendarFeed.objects.filter(staff=staff).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The calendar address with this token, of an active person; None for any other token."""
    if not token or len(token) > CalendarFeed._meta.get_field("token").max_length:
        return None
    return (
        CalendarFeed.objects.select_related("staff")
        .filter(token=token, staff__is_active=True)
        .first()
    )


def planned_visits_of(*, staff):
    """The planned visits the person takes part in, by date, with what a calendar shows."""
    return (
        Visit.objects.with_participant(staff)
        .filter(status=VisitStatus.PLANNED)
        .select_related("client", "campaign")
        .prefetch_related(_participations())
        .order_by("visited_on", "pk")
    )


def visit_by_feedback_token(*, token: str) -> Visit | None:
    """The visit whose feedback link this is, with its campaign, client and the client's answer;
    None for a token no visit has."""
    if not token or len(token) > FEEDBACK_TOKEN_LENGTH:
        return None
    return (
        Visit.objects.select_related("campaign", "client", "client_feedback")
        .filter(feedback_token=token)
        .first()
    )


def client_feedback_of(*, visit: Visit) -> ClientFeedback | None:
    """The client's answer about the visit, if they have given one."""
    return ClientFeedback.objects.filter(visit=visit).first()


def feedback_link_shown_to(*, visit: Visit, user) -> bool:
    """The people who made the visit hand its feedback link to the client: its creator and
    participants, once it has taken place."""
    if visit.status != VisitStatus.DONE:
        return False
    return visit.created_by_id == user.pk or any(
        p.staff_id == user.pk for p in visit.participations.all()
    )
