"""The stored figures follow the rows they are computed from, whichever way a row is written: a
page's service, the Django admin, the organisation import or the shell.

A save or delete of a visit, a participant or an idea notes, in the writing transaction, which
figure rows it makes stale (`StaleFigures`): those the visit contributed to before the change
and those it contributes to after (`tallies.visit_keys`). A change of a campaign's counting
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
from leaderboard import tallies
from leaderboard.models import StaleFigures
from leaderboard.services import figures_refresh
from visits.models import Visit, VisitParticipant

# The figure rows a row's visit contributed to before it was saved or deleted, for the receiver
# after: {visit: (campaign, keys)}.
BEFORE = "_figures_before"


def _note(campaign_id: int | None, keys: tallies.Keys = None, *, everything=False) -> None:
    if campaign_id is None:
        return
    keys = keys or tallies.Keys()
    notes = [StaleFigures(campaign_id=campaign_id, unit_id=u, day=d) for u, d in keys.days]
    notes += [
        StaleFigures(campaign_id=campaign_id, unit_id=u, staff_id=s) for u, s in keys.visitors
    ]
    notes += [StaleFigures(campaign_id=campaign_id, client_id=client) for client in keys.clients]
    if everything:
        notes.append(StaleFigures(campaign_id=campaign_id, everything=True))
    if not notes:
        return
    StaleFigures.objects.bulk_create(notes)
    transaction.on_commit(lambda: figures_refresh(campaign_ids={campaign_id}), robust=True)


def _remember(instance, *visit_ids: int | None) -> None:
    """Before a save or delete: what the visits contribute to now."""
    setattr(
        instance,
        BEFORE,
        {visit_id: tallies.visit_keys(visit_id) for visit_id in set(visit_ids) if visit_id},
    )


def _note_changed(instance, *visit_ids: int) -> None:
    """After a save or delete: the rows the visits contributed to before, and contribute to now."""
    by_campaign: dict[int, tallies.Keys] = {}
    before = getattr(instance, BEFORE, {})
    for visit_id in set(visit_ids) | set(before):
        for campaign_id, keys in (before.get(visit_id, (None, None)), tallies.visit_keys(visit_id)):
            if campaign_id is not None:
                by_campaign.setdefault(campaign_id, tallies.Keys()).update(keys)
    for campaign_id, keys in sorted(by_campaign.items()):
        _note(campaign_id, keys)


# --- Visits -----------------------------------------------------------------------------------


@receiver(pre_save, sender=Visit, dispatch_uid="figures-visit-before")
def visit_before(sender, instance: Visit, **kwargs) -> None:
    _remember(instance, instance.pk)


@receiver(post_save, sender=Visit, dispatch_uid="figures-visit-saved")
def visit_saved(sender, instance: Visit, created: bool, **kwargs) -> None:
    if created:
        # Nothing is credited yet: participants note their rows when they are added.
        _note(instance.campaign_id, tallies.Keys(clients={instance.client_id}))
    else:
        _note_changed(instance, instance.pk)


@receiver(pre_delete, sender=Visit, dispatch_uid="figures-visit-deleted")
def visit_deleted(sender, instance: Visit, **kwargs) -> None:
    # Before the delete: its participants go with it.
    _note(*tallies.visit_keys(instance.pk))


# --- Participants and ideas -------------------------------------------------------------------


@receiver(pre_save, sender=VisitParticipant, dispatch_uid="figures-participant-before")
@receiver(pre_save, sender=Idea, dispatch_uid="figures-idea-before")
def credited_before(sender, instance, **kwargs) -> None:
    if instance.pk:
        earlier = sender.objects.filter(pk=instance.pk).values_list("visit_id", flat=True).first()
        _remember(instance, earlier, instance.visit_id)


@receiver(pre_delete, sender=VisitParticipant, dispatch_uid="figures-participant-deleting")
@receiver(pre_delete, sender=Idea, dispatch_uid="figures-idea-deleting")
def credited_deleting(sender, instance, **kwargs) -> None:
    _remember(instance, instance.visit_id)


@receiver(post_save, sender=VisitParticipant, dispatch_uid="figures-participant-saved")
@receiver(post_delete, sender=VisitParticipant, dispatch_uid="figures-participant-deleted")
@receiver(post_save, sender=Idea, dispatch_uid="figures-idea-saved")
@receiver(post_delete, sender=Idea, dispatch_uid="figures-idea-deleted")
def credited_changed(sender, instance, **kwargs) -> None:
    # The visit's other units too (`visit_keys`): which of them the organisation attributes the
    # visit to may change. And its client: a visit counts through its participants.
    _note_changed(instance, instance.visit_id)


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
