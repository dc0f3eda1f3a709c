"""The stored figures follow the rows they are computed from, whichever way a row is written: a
page's service, the Django admin, the organisation import or the shell.

Around each save or delete of a visit, a participant, an idea or the client's feedback, the
visit's contribution to the figures is computed before and after (`tallies.visit_figures`), and
in the same transaction the difference is written down (`UnitDayChange`) with a note of the
visitors and client it touches (`StaleFigures`). A change of a campaign's counting rules, or of
the department a unit belongs to, notes everything. Right after the transaction commits, the
changes and notes are worked off (`figures_refresh`). These receivers hold no rule of what
counts: they only account for changes.

"Before" is remembered on the object whose save or delete this is — for a delete, the object or
QuerySet that started it, so that the participants deleted along with their visit are accounted
for once, with the visit.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from campaign.models import Campaign, Unit
from campaign.services import RULE_FIELDS
from ideas.models import Idea
from leaderboard import tallies
from leaderboard.models import StaleFigures, UnitDayChange
from leaderboard.services import figures_refresh
from visits.models import ClientFeedback, Visit, VisitParticipant

# {visit: its contribution as last accounted for}, on the object being saved or deleted.
BEFORE = "_figures_before"
RULES_BEFORE = "_figures_rules_before"


def _remember(holder, *visit_ids: int | None, fresh: bool = False) -> None:
    """Before a write: what the visits contribute now (unless the operation already remembered
    it: a delete's cascade). Each visit is held until the transaction ends, so that concurrent
    writes to it are accounted for one after the other."""
    if fresh:
        holder.__dict__[BEFORE] = {}
    remembered = holder.__dict__.setdefault(BEFORE, {})
    for visit_id in sorted({pk for pk in visit_ids if pk and pk not in remembered}):
        if connection.in_atomic_block:
            list(Visit.objects.select_for_update(no_key=True).filter(pk=visit_id).values("pk"))
        remembered[visit_id] = tallies.visit_figures(visit_id)


def _account(holder, *visit_ids: int | None) -> None:
    """After a write: write down what it changed in these visits' figures."""
    remembered = holder.__dict__.setdefault(BEFORE, {})
    for visit_id in sorted({pk for pk in visit_ids if pk}):
        before = remembered.get(visit_id)
        after = tallies.visit_figures(visit_id)
        remembered[visit_id] = after
        keys: dict[int, tallies.Keys] = {}
        for figures in (before, after):
            if figures is not None:
                keys.setdefault(figures.campaign_id, tallies.Keys()).update(figures.keys)
        _write(tallies.day_changes(before, after), keys)


def _write(changes: list[UnitDayChange], keys: dict[int, tallies.Keys], everything=()) -> None:
    notes = [
        StaleFigures(campaign_id=campaign_id, unit_id=unit, staff_id=staff)
        for campaign_id, campaign_keys in keys.items()
        for unit, staff in sorted(campaign_keys.visitors)
    ]
    notes += [
        StaleFigures(campaign_id=campaign_id, client_id=client)
        for campaign_id, campaign_keys in keys.items()
        for client in sorted(campaign_keys.clients)
    ]
    notes += [StaleFigures(campaign_id=campaign_id, everything=True) for campaign_id in everything]
    if not (changes or notes):
        return
    UnitDayChange.objects.bulk_create(changes)
    StaleFigures.objects.bulk_create(notes)
    campaign_ids = {change.campaign_id for change in changes} | {note.campaign_id for note in notes}
    transaction.on_commit(lambda: figures_refresh(campaign_ids=campaign_ids), robust=True)


# --- Visits, participants and ideas ----------------------------------------------------------


@receiver(pre_save, sender=Visit, dispatch_uid="figures-visit-before")
def visit_before(sender, instance: Visit, **kwargs) -> None:
    _remember(instance, instance.pk, fresh=True)


@receiver(post_save, sender=Visit, dispatch_uid="figures-visit-saved")
def visit_saved(sender, instance: Visit, created: bool, **kwargs) -> None:
    if created:
        # Nothing is credited yet: participants account for their rows when they are added.
        _write([], {instance.campaign_id: tallies.Keys(clients={instance.client_id})})
    else:
        _account(instance, *instance.__dict__.get(BEFORE, ()))


@receiver(pre_save, sender=VisitParticipant, dispatch_uid="figures-participant-before")
@receiver(pre_save, sender=Idea, dispatch_uid="figures-idea-before")
@receiver(pre_save, sender=ClientFeedback, dispatch_uid="figures-feedback-before")
def credited_before(sender, instance, **kwargs) -> None:
    earlier = None
    if instance.pk:
        earlier = sender.objects.filter(pk=instance.pk).values_list("visit_id", flat=True).first()
    _remember(instance, earlier, instance.visit_id, fresh=True)


@receiver(post_save, sender=VisitParticipant, dispatch_uid="figures-participant-saved")
@receiver(post_save, sender=Idea, dispatch_uid="figures-idea-saved")
@receiver(post_save, sender=ClientFeedback, dispatch_uid="figures-feedback-saved")
def credited_saved(sender, instance, **kwargs) -> None:
    _account(instance, instance.visit_id, *instance.__dict__.get(BEFORE, ()))


@receiver(pre_delete, sender=Visit, dispatch_uid="figures-visit-deleting")
@receiver(pre_delete, sender=VisitParticipant, dispatch_uid="figures-participant-deleting")
@receiver(pre_delete, sender=Idea, dispatch_uid="figures-idea-deleting")
@receiver(pre_delete, sender=ClientFeedback, dispatch_uid="figures-feedback-deleting")
def deleting(sender, instance, origin=None, **kwargs) -> None:
    _remember(origin or instance, instance.pk if sender is Visit else instance.visit_id)


@receiver(post_delete, sender=Visit, dispatch_uid="figures-visit-deleted")
@receiver(post_delete, sender=VisitParticipant, dispatch_uid="figures-participant-deleted")
@receiver(post_delete, sender=Idea, dispatch_uid="figures-idea-deleted")
@receiver(post_delete, sender=ClientFeedback, dispatch_uid="figures-feedback-deleted")
def deleted(sender, instance, origin=None, **kwargs) -> None:
    _account(origin or instance, instance.pk if sender is Visit else instance.visit_id)


# --- Counting rules and departments -----------------------------------------------------------


@receiver(pre_save, sender=Campaign, dispatch_uid="figures-campaign-before")
def campaign_before(sender, instance: Campaign, **kwargs) -> None:
    if instance.pk:
        before = Campaign.objects.filter(pk=instance.pk).values(*RULE_FIELDS).first()
        setattr(instance, RULES_BEFORE, before)


@receiver(post_save, sender=Campaign, dispatch_uid="figures-campaign-saved")
def campaign_saved(sender, instance: Campaign, **kwargs) -> None:
    before = getattr(instance, RULES_BEFORE, None)
    if before and any(before[name] != getattr(instance, name) for name in RULE_FIELDS):
        _write([], {}, everything=[instance.pk])


@receiver(pre_save, sender=Unit, dispatch_uid="figures-unit-before")
def unit_before(sender, instance: Unit, **kwargs) -> None:
    if instance.pk:
        before = Unit.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        setattr(instance, RULES_BEFORE, before)


@receiver(post_save, sender=Unit, dispatch_uid="figures-unit-saved")
def unit_saved(sender, instance: Unit, created: bool, **kwargs) -> None:
    # A department counts a joint visit of its units once; when a unit moves, so do its visits.
    if created or getattr(instance, RULES_BEFORE, None) == instance.parent_id:
        return
    campaigns = (
        VisitParticipant.objects.filter(unit=instance)
        .values_list("visit__campaign_id", flat=True)
        .distinct()
        .order_by()
    )
    _write([], {}, everything=sorted(campaigns))
