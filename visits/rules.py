"""The rules of a visit: whether it counts for its campaign (DESIGN §3), and the status a new
visit takes from its date.

`visit_verdict` is the authority; `VisitQuerySet.counted()` states the same rule in SQL and the
tests check the two agree on one table of cases.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


def visit_default_status(*, visited_on: dt.date | None, today: dt.date) -> str:
    """A new visit dated in the future is planned; any other is done."""
    if visited_on is not None and visited_on > today:
        return VisitStatus.PLANNED
    return VisitStatus.DONE


@dataclass(frozen=True)
class Verdict:
    counts: bool
    reasons: tuple[str, ...]
    status: str = VisitStatus.DONE
    # For a planned visit: the reasons it would still not count once done with both declarations
    # ticked, so a page can say what it takes instead of listing what is not done yet.
    reasons_once_done: tuple[str, ...] = ()

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == VisitStatus.CANCELLED


def visit_verdict(
    *,
    campaign,
    status: str,
    visited_on: dt.date,
    minutes: int,
    is_remote: bool,
    listened_most: bool,
    not_without_campaign: bool,
) -> Verdict:
    """Whether a visit counts for `campaign`, and if not, every reason why not."""
    reasons = []
    if status == VisitStatus.PLANNED:
        reasons.append(_("The visit is still planned, not done."))
    elif status == VisitStatus.CANCELLED:
        reasons.append(_("The visit was cancelled."))
    if not campaign.starts_on <= visited_on <= campaign.ends_on:
        reasons.append(_("The visit is dated outside the campaign."))
    if minutes < campaign.min_minutes:
        reasons.append(
            _("The visit was shorter than the campaign minimum of %(minutes)s minutes.")
            % {"minutes": campaign.min_minutes}
        )
    if is_remote and not campaign.remote_counts:
        reasons.append(_("Remote visits do not count in this campaign."))
    if not listened_most:
        # An unticked box is what the visitor did not confirm, not a fact about the visit.
        reasons.append(
            _("You did not confirm that most of the time was spent listening to the client.")
        )
    if not not_without_campaign:
        reasons.append(
            _("You did not confirm that the meeting would not have happened without the campaign.")
        )
    once_done = ()
    if status == VisitStatus.PLANNED:
        once_done = visit_verdict(
            campaign=campaign,
            status=VisitStatus.DONE,
            visited_on=visited_on,
            minutes=minutes,
            is_remote=is_remote,
            listened_most=True,
            not_without_campaign=True,
        ).reasons
    return Verdict(
        counts=not reasons, reasons=tuple(reasons), status=status, reasons_once_done=once_done
    )
