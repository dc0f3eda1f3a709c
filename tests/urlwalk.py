"""The site's pages, found by walking the URLconf: every route, with its parameters filled from
objects one viewer may see. The accessibility test and the generated-input test use it, so a page
added later is covered by both without editing either."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from campaign.models import Campaign, RosterEntry, Staff
from ideas.models import Idea
from notifications.models import NotificationKind
from notifications.tokens import unsubscribe_token
from visits.models import CalendarFeed, Visit
from visits.services import calendar_feed_renew

# Django's own maintenance interface: named as not assessed in the accessibility statement.
NOT_ASSESSED = ("admin/",)
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _routes(patterns=None, prefix: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


@dataclass
class Samples:
    """Objects of the demo that one viewer may open, to fill in route parameters."""

    campaign: Campaign
    visit: Visit | None
    idea: Idea | None
    user: Staff | None
    roster_entry: RosterEntry | None
    calendar_token: str = ""
    feedback_token: str | None = None

    @classmethod
    def for_user(cls, user: Staff) -> "Samples":
        campaign = Campaign.objects.current()
        visits = Visit.objects.visible_to(user).in_campaign(campaign).order_by("pk")
        ideas = Idea.objects.visible_to(user).filter(visit__campaign=campaign).order_by("pk")
        return cls(
            campaign=campaign,
            # Prefer the viewer's own rows: they may edit those, so edit pages are checked too.
            visit=visits.filter(created_by=user).first() or visits.first(),
            idea=ideas.filter(created_by=user).first() or ideas.first(),
            user=user,
            roster_entry=RosterEntry.objects.filter(campaign=campaign, staff=user).first(),
            calendar_token=(
                CalendarFeed.objects.filter(staff=user).first() or calendar_feed_renew(staff=user)
            ).token,
            feedback_token=_feedback_token(campaign),
        )

    @classmethod
    def public(cls) -> "Samples":
        """What anyone without a login may open: the client's feedback page of a visit."""
        campaign = Campaign.objects.current()
        return cls(
            campaign=campaign,
            visit=None,
            idea=None,
            user=None,
            roster_entry=None,
            feedback_token=_feedback_token(campaign),
        )


def _feedback_token(campaign: Campaign | None) -> str | None:
    """The feedback link of a done visit of the campaign: a client's page, open to anyone who
    has the link."""
    visits = Visit.objects.in_campaign(campaign).filter(status=Visit.Status.DONE).order_by("pk")
    return visits.values_list("feedback_token", flat=True).first()


# Route parameters that a viewer without a login can fill: the secret of a client's link, and
# the unsubscribe link of a mail (opened from the mail, often without being logged in).
PUBLIC_PARAMETERS = {"feedback_token", "unsubscribe_token"}


# What a parameter named like the key stands for; for plain `pk`/`id`, the route's first segment.
SAMPLE_OBJECTS: dict[str, Callable[[Samples], object]] = {
    "visit": lambda s: s.visit and s.visit.pk,
    "visits": lambda s: s.visit and s.visit.pk,
    "idea": lambda s: s.idea and s.idea.pk,
    "ideas": lambda s: s.idea and s.idea.pk,
    "campaign": lambda s: s.campaign.pk,
    "campaigns": lambda s: s.campaign.pk,
    "leaderboard": lambda s: s.campaign.pk,
    "unit": lambda s: s.user.unit_id,
    "units": lambda s: s.user.unit_id,
    "client": lambda s: s.visit and s.visit.client_id,
    "clients": lambda s: s.visit and s.visit.client_id,
    "theme": lambda s: s.idea and s.idea.theme_id,
    "themes": lambda s: s.idea and s.idea.theme_id,
    "staff": lambda s: s.user.pk,
    "user": lambda s: s.user.pk,
    "roster": lambda s: s.roster_entry and s.roster_entry.pk,
    # A password reset or invitation link: the viewer's own, with a token that has expired (the
    # pages of a working link are checked along the journeys in test_sign_in.py).
    "uidb64": lambda s: urlsafe_base64_encode(force_bytes(s.user.pk)),
    "token": lambda s: "expired-token",
    # The viewer's own calendar address and the unsubscribe link of one of their mails.
    "feed_token": lambda s: s.calendar_token,
    "unsubscribe_token": lambda s: unsubscribe_token(
        staff_id=(s.user or Staff.objects.order_by("pk").first()).pk, kind=NotificationKind.NUDGE
    ),
    # The client's feedback page of a done visit (its link is the key, no login).
    "feedback_token": lambda s: s.feedback_token,
}


def _value(route: str, match: re.Match, samples: Samples):
    converter, name = match["converter"], match["name"]
    if converter == "slug" or "slug" in name:
        return samples.campaign.slug
    # `visit_id` names its object; a bare `pk` belongs to the segment before it (visits/<pk>/).
    kind = re.sub(r"_?(pk|id)$", "", name)
    if not kind:
        literal = [s for s in route[: match.start()].split("/") if s and "<" not in s]
        kind = literal[-1] if literal else ""
    if kind in SAMPLE_OBJECTS:
        return SAMPLE_OBJECTS[kind](samples)
    raise LookupError(f"no sample for <{converter or 'str'}:{name}> in {route}")


def _fill(route: str, samples: Samples) -> str:
    return PARAMETER.sub(lambda match: str(_value(route, match, samples) or ""), route)


def page_paths(samples: Samples | None) -> tuple[list[str], list[str]]:
    """The addresses to check for one viewer (None: anonymous), and the routes left unresolved."""
    paths, unresolved = [], []
    for route in _routes():
        if route.startswith(NOT_ASSESSED) or route.startswith("^"):
            continue
        if not PARAMETER.search(route):
            paths.append("/" + route)
            continue
        viewer = samples
        if samples is None:
            names = {match["name"] for match in PARAMETER.finditer(route)}
            if not names <= PUBLIC_PARAMETERS:
                continue
            viewer = Samples.public()
        try:
            path = _fill(route, viewer)
        except LookupError as error:
            unresolved.append(str(error))
            continue
        if "//" not in "/" + path:  # a sample this viewer does not have (no visit, no idea)
            paths.append("/" + path)
    return sorted(set(paths)), unresolved
