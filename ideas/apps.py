from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ideas"
    verbose_name = _("Development ideas")

    def ready(self):
        from auditlog.registry import auditlog

        from ideas.models import Idea

        auditlog.register(Idea, exclude_fields=["updated_at"])
