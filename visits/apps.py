from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from auditlog.registry import auditlog

        from visits.models import Visit, VisitParticipant

        # The feedback token is a secret: whoever reads the history must not get the link.
        auditlog.register(Visit, exclude_fields=["updated_at", "feedback_token"])
        auditlog.register(VisitParticipant)
