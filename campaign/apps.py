from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaign"
    verbose_name = _("Campaigns and organisation")

    def ready(self):
        from auditlog.registry import auditlog

        from campaign.models import Campaign, Client, RosterEntry, Theme, Unit

        auditlog.register(Campaign, m2m_fields={"themes"})
        auditlog.register(RosterEntry)
        auditlog.register(Unit)
        auditlog.register(Client)
        auditlog.register(Theme)
