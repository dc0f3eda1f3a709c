"""The stored figures follow the rows they are computed from, whichever way a row is written: a
page's service, the Django admin, the organisation import or the shell.

Visits, their participants and ideas carry the counts; a save or delete of any of them marks its
campaign's stored figures stale, inside the writing transaction. The roster and the campaign's
counting rules are part of each snapshot's key, and weights are read live, so they need no mark.
These receivers keep a cache in step; they hold no rule of what counts.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ideas.models import Idea
from leaderboard.services import leaderboard_invalidate
from visits.models import Visit, VisitParticipant


@receiver([post_save, post_delete], sender=Visit, dispatch_uid="leaderboard-visit")
def visit_changed(sender, instance: Visit, **kwargs) -> None:
    leaderboard_invalidate(campaign_id=instance.campaign_id)


@receiver([post_save, post_delete], sender=VisitParticipant, dispatch_uid="leaderboard-participant")
@receiver([post_save, post_delete], sender=Idea, dispatch_uid="leaderboard-idea")
def visit_part_changed(sender, instance: VisitParticipant | Idea, **kwargs) -> None:
    campaign_id = (
        Visit.objects.filter(pk=instance.visit_id).values_list("campaign_id", flat=True).first()
    )
    if campaign_id is not None:
        leaderboard_invalidate(campaign_id=campaign_id)
