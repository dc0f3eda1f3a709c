"""The stored figures follow the rows they are computed from, whichever way a row is written: a
page's service, the Django admin, the organisation import or the shell.

A save or delete of a visit, a participant or an idea notes, in the writing transaction, which
units' and clients' figures it makes stale (`StaleFigures`); a change of a campaign's counting
rules, or of the department a unit belongs to, notes everything. Right after the transaction
commits, the notes are worked off (`figures_refresh`). These receivers hold no rule of what
counts: they only say what to recompute.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from campaign.models import Campaign, Unit
from campaign.services import RULE_FIELDS
from ideas.models import Idea
from leaderboard.models import StaleFigures
from leaderboard.services import figures_refresh
from visits.models import Visit, VisitParticipant

# What a row was before it was saved, for the receiver after the save.
BEFORE = "_figures_before"


def _note(campaign_id: int, *, units=(), clients=(), everything: bool = False) -> None:
    notes = [StaleFigures(campaign_id=campaign_id, unit_id=unit) for unit in set(units)]
    notes += [StaleFigures(campaign_id=campaign_id, client_id=client) for client in set(clients)]
    if everything:
        notes.append(StaleFigures(campaign_id=campaign_id, everything=True))
    if not notes:
        return
    StaleFigures.objects.bulk_create(notes)
    transaction.on_commit(lambda: figures_refresh(campaign_ids={campaign_id}), robust=True)


def _units_of(visit_id: int) -> set[int]:
    """The units a visit is credited to."""
    return set(VisitParticipant.objects.filter(visit_id=visit_id).values_list("unit_id", flat=True))


def _visit_of(visit_id: int) -> tuple[int, int] | None:
    """The campaign and client of a visit; None once the visit is gone."""
    return Visit.objects.filter(pk=visit_id).values_list("campaign_id", "client_id").first()


# --- Visits -----------------------------------------------------------------------------------


@receiver(pre_save, sender=Visit, dispatch_uid="figures-visit-before")
def visit_before(sender, instance: Visit, **kwargs) -> None:
    if instance.pk:
        before = Visit.objects.filter(pk=instance.pk).values("campaign_id", "client_id").first()
        setattr(instance, BEFORE, before)


@receiver(post_save, sender=Visit, dispatch_uid="figures-visit-saved")
def visit_saved(sender, instance: Visit, created: bool, **kwargs) -> None:
    # A new visit has no participants yet: they note their units when they are added.
    units = set() if created else _units_of(instance.pk)
    _note(instance.campaign_id, units=units, clients=[instance.client_id])
    before = getattr(instance, BEFORE, None)
    if before and before["campaign_id"] != instance.campaign_id:
        _note(before["campaign_id"], units=units, clients=[before["client_id"]])
    elif before and before["client_id"] != instance.client_id:
        _note(instance.campaign_id, clients=[before["client_id"]])


@receiver(pre_delete, sender=Visit, dispatch_uid="figures-visit-deleted")
def visit_deleted(sender, instance: Visit, **kwargs) -> None:
    # Before the delete: its participants go with it.
    _note(instance.campaign_id, units=_units_of(instance.pk), clients=[instance.client_id])


# --- Participants -----------------------------------------------------------------------------


@receiver(pre_save, sender=VisitParticipant, dispatch_uid="figures-participant-before")
def participant_before(sender, instance: VisitParticipant, **kwargs) -> None:
    if instance.pk:
        before = (
            VisitParticipant.objects.filter(pk=instance.pk).values("visit_id", "unit_id").first()
        )
        setattr(instance, BEFORE, before)


@receiver(post_save, sender=VisitParticipant, dispatch_uid="figures-participant-saved")
@receiver(post_delete, sender=VisitParticipant, dispatch_uid="figures-participant-deleted")
def participant_changed(sender, instance: VisitParticipant, **kwargs) -> None:
    # The visit's other units too: which of them the organisation attributes the visit to may
    # change. And its client: a visit counts through its participants.
    before = getattr(instance, BEFORE, None)
    for visit_id in {instance.visit_id, before["visit_id"] if before else instance.visit_id}:
        visit = _visit_of(visit_id)
        if visit is None:
            continue  # the visit is being deleted; its own receiver has noted it
        campaign_id, client_id = visit
        units = _units_of(visit_id) | {instance.unit_id}
        if before:
            units.add(before["unit_id"])
        _note(campaign_id, units=units, clients=[client_id])


# --- Ideas ------------------------------------------------------------------------------------


@receiver(pre_save, sender=Idea, dispatch_uid="figures-idea-before")
def idea_before(sender, instance: Idea, **kwargs) -> None:
    if instance.pk:
        setattr(
            instance,
            BEFORE,
            Idea.objects.filter(pk=instance.pk).values_list("visit_id", flat=True).first(),
        )


@receiver(post_save, sender=Idea, dispatch_uid="figures-idea-saved")
@receiver(post_delete, sender=Idea, dispatch_uid="figures-idea-deleted")
def idea_changed(sender, instance: Idea, **kwargs) -> None:
    for visit_id in {instance.visit_id, getattr(instance, BEFORE, None) or instance.visit_id}:
        visit = _visit_of(visit_id)
        if visit is not None:
            _note(visit[0], units=_units_of(visit_id))


# --- Counting rules and departments -----------------------------------------------------------


@receiver(pre_save, sender=Campaign, dispatch_uid="figures-campaign-before")
def campaign_before(sender, instance: Campaign, **kwargs) -> None:
    if instance.pk:
        setattr(
            instance, BEFORE, Campaign.objects.filter(pk=instance.pk).values(*RULE_FIELDS).first()
        )


@receiver(post_save, sender=Campaign, dispatch_uid="figures-campaign-saved")
def campaign_saved(sender, instance: Campaign, **kwargs) -> None:
    before = getattr(instance, BEFORE, None)
    if before and any(before[name] != getattr(instance, name) for name in RULE_FIELDS):
        _note(instance.pk, everything=True)


@receiver(pre_save, sender=Unit, dispatch_uid="figures-unit-before")
def unit_before(sender, instance: Unit, **kwargs) -> None:
    if instance.pk:
        setattr(
            instance,
            BEFORE,
            Unit.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first(),
        )


@receiver(post_save, sender=Unit, dispatch_uid="figures-unit-saved")
def unit_saved(sender, instance: Unit, created: bool, **kwargs) -> None:
    # A department counts a joint visit of its units once; when a unit moves, so do its visits.
    if created or getattr(instance, BEFORE, None) == instance.parent_id:
        return
    campaigns = (
        VisitParticipant.objects.filter(unit=instance)
        .values_list("visit__campaign_id", flat=True)
        .distinct()
        .order_by()
    )
    for campaign_id in campaigns:
        _note(campaign_id, everything=True)
