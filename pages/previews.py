"""What a change of counting rules or weights would do, shown before the change is saved."""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from campaign.models import Campaign, Unit
from campaign.services import RULE_FIELDS, SCORING_FIELDS
from leaderboard.figures import SCORE
from leaderboard.selectors import unit_standings
from visits.models import Visit
from visits.rules import visit_verdict


@dataclass(frozen=True)
class UnitChange:
    unit: Unit
    rank_before: int | None
    rank_after: int | None
    score_before: Decimal | None
    score_after: Decimal | None
    visits_before: int
    visits_after: int

    @property
    def changed(self) -> bool:
        """Whether the row shows a difference: the score as rounded for the page."""
        return (self.rank_before, SCORE.rounded(self.score_before), self.visits_before) != (
            self.rank_after,
            SCORE.rounded(self.score_after),
            self.visits_after,
        )


@dataclass(frozen=True)
class RuleChangePreview:
    counted_before: int
    counted_after: int
    newly_counted: int
    no_longer_counted: int
    units: list[UnitChange]

    @property
    def changed_units(self) -> list[UnitChange]:
        return [change for change in self.units if change.changed]


class _Rollback(Exception):
    """Leaves the atomic block that tried the proposed rules, undoing it."""


def rule_change_needs_preview(*, campaign: Campaign, proposed: dict) -> bool:
    """True when the campaign has visits and a counting rule or a weight would change."""
    watched = RULE_FIELDS + SCORING_FIELDS
    if not any(name in proposed and proposed[name] != getattr(campaign, name) for name in watched):
        return False
    return Visit.objects.in_campaign(campaign).exists()


def rule_change_preview(*, campaign: Campaign, proposed: dict) -> RuleChangePreview:
    """Counted visits and unit ranks now and under the proposed values.

    Whether each visit counts is decided by `visit_verdict` on a copy of the campaign that holds
    the proposed values. Ranks come from the leaderboard's own selector: the proposed values are
    written inside a savepoint, the standings computed from the source tables under them, and the
    savepoint rolled back.
    """
    saved = Campaign.objects.get(pk=campaign.pk)
    trial = copy.copy(saved)
    changes = {name: proposed[name] for name in RULE_FIELDS + SCORING_FIELDS if name in proposed}
    for name, value in changes.items():
        setattr(trial, name, value)

    newly_counted = no_longer_counted = counted_before = counted_after = 0
    fields = ["status", "visited_on", "minutes", "is_remote", "listened_most"]
    for visit in (
        Visit.objects.in_campaign(saved)
        .only(*fields, "not_without_campaign")
        .iterator(chunk_size=2000)
    ):
        facts = {name: getattr(visit, name) for name in [*fields, "not_without_campaign"]}
        before = visit_verdict(campaign=saved, **facts).counts
        after = visit_verdict(campaign=trial, **facts).counts
        counted_before += before
        counted_after += after
        newly_counted += after and not before
        no_longer_counted += before and not after

    standings_before = {s.unit.pk: s for s in unit_standings(campaign=saved)}
    try:
        with transaction.atomic():
            Campaign.objects.filter(pk=saved.pk).update(**changes)
            standings_after = {
                s.unit.pk: s for s in unit_standings(campaign=trial, from_source=True)
            }
            raise _Rollback
    except _Rollback:
        pass

    units = []
    for pk in standings_before.keys() | standings_after.keys():
        before = standings_before.get(pk)
        after = standings_after.get(pk)
        units.append(
            UnitChange(
                unit=(before or after).unit,
                rank_before=before.rank if before else None,
                rank_after=after.rank if after else None,
                score_before=before.score if before else None,
                score_after=after.score if after else None,
                visits_before=before.visits if before else 0,
                visits_after=after.visits if after else 0,
            )
        )
    units.sort(
        key=lambda c: (c.rank_after is None, c.rank_after or 0, c.unit.name),
    )
    return RuleChangePreview(
        counted_before=counted_before,
        counted_after=counted_after,
        newly_counted=newly_counted,
        no_longer_counted=no_longer_counted,
        units=units,
    )
