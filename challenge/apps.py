from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengeConfig(AppConfig):
    """The challenge between organisations: each installation publishes its campaign's figures
    as a feed and follows the feeds of the others."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "challenge"
    verbose_name = _("Challenge between organisations")

    def ready(self):
        from auditlog.registry import auditlog

        from challenge.models import Peer, Publication

        auditlog.register(Publication)
        # What a coordinator decides, not what each hourly fetch brings.
        auditlog.register(Peer, include_fields=["feed_url"])
