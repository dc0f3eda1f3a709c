"""The mail of each notification: what it says and where its links go.

Each kind is three templates under templates/mail/notifications/ (`<kind>_subject.txt`,
`<kind>.txt`, `<kind>.html`), rendered in the recipient's language by `campaign.mail`. The parts
many mails share (a campaign's standings, a unit's overview, the roster's units) are read once per
run by `MailContexts`.
"""

import datetime as dt
from functools import cached_property

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from campaign.mail import Recipient, mail_message, site_link
from campaign.models import Campaign, RosterEntry
from notifications.models import Notification, NotificationKind
from notifications.selectors import Standings, UnitOverview, unit_overview
from notifications.tokens import unsubscribe_token

# The digest names at most this many people who have not visited yet; the front page has all.
DIGEST_NAMES = 30


class _CampaignParts:
    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.standings = Standings(campaign)
        self.overviews: dict[int, UnitOverview] = {}

    @cached_property
    def roster_units(self) -> dict[int, int]:
        """Each person's unit on the roster: the one whose standing their reminder shows."""
        return dict(
            RosterEntry.objects.filter(campaign=self.campaign).values_list("staff_id", "unit_id")
        )


class MailContexts:
    """The template context of each notification of one run."""

    def __init__(self, *, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        self._campaigns: dict[int, _CampaignParts] = {}

    def _parts(self, campaign: Campaign) -> _CampaignParts:
        if campaign.pk not in self._campaigns:
            self._campaigns[campaign.pk] = _CampaignParts(campaign)
        return self._campaigns[campaign.pk]

    def _overview(self, parts: _CampaignParts, unit) -> UnitOverview:
        if unit.pk not in parts.overviews:
            parts.overviews[unit.pk] = unit_overview(
                campaign=parts.campaign,
                unit=unit,
                standings=parts.standings,
                ideas_since=self.today - dt.timedelta(days=7),
            )
        return parts.overviews[unit.pk]

    def context(self, notification: Notification) -> dict:
        kind = notification.kind
        campaign = notification.campaign
        context = {
            "campaign": campaign,
            "site_url": settings.SITE_URL,
            "log_visit_url": site_link(reverse("visits:new")),
            "visits_url": site_link(reverse("visits:list")),
            "front_page_url": site_link(reverse("dashboard")),
            "days_left": campaign.days_left(self.today),
        }
        if kind == NotificationKind.VISIT_FOLLOW_UP:
            visit = notification.visit
            context |= {
                "visit": visit,
                "edit_url": site_link(reverse("visits:edit", args=[visit.pk])),
                "visit_url": site_link(visit.get_absolute_url()),
            }
        elif kind in (NotificationKind.IDEA_ASSIGNED, NotificationKind.IDEA_DECIDED):
            idea = notification.idea
            context |= {"idea": idea, "idea_url": site_link(idea.get_absolute_url())}
        elif kind == NotificationKind.NUDGE:
            parts = self._parts(campaign)
            unit_id = parts.roster_units.get(notification.recipient_id)
            context |= {
                "standing": parts.standings.of_unit(unit_id),
                "ranked_units": parts.standings.ranked_units,
            }
        elif kind == NotificationKind.DIGEST:
            overview = self._overview(self._parts(campaign), notification.unit)
            context |= {
                "overview": overview,
                "not_visited": overview.not_visited[:DIGEST_NAMES],
                "not_visited_more": max(0, len(overview.not_visited) - DIGEST_NAMES),
                "ideas_url": site_link(reverse("ideas:list")),
            }
        return context


def notification_message(
    notification: Notification, contexts: MailContexts
) -> EmailMultiAlternatives:
    """The notification's mail to its recipient, with a one-click unsubscribe link for its kind
    in the text and in the List-Unsubscribe headers (RFC 8058)."""
    staff = notification.recipient
    token = unsubscribe_token(staff_id=staff.pk, kind=notification.kind)
    unsubscribe_url = site_link(reverse("notifications:unsubscribe", args=[token]))
    context = {
        "staff": staff,
        "kind_label": NotificationKind(notification.kind).label,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": site_link(reverse("notifications:preferences")),
        **contexts.context(notification),
    }
    message = mail_message(
        kind=f"notifications/{notification.kind}",
        recipient=Recipient.of(staff),
        context=context,
    )
    message.extra_headers |= {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return message
