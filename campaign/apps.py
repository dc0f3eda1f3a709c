from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaign"
    verbose_name = _("Campaigns and organisation")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from campaign.models import Campaign, Client, RosterEntry, Theme, Unit
        from campaign.roles import sync_roles

        # post_migrate is sent once per app, after that app's permissions are created; the last
        # run, when every app's permissions exist, leaves each group exactly its permissions.
        post_migrate.connect(sync_roles, dispatch_uid="campaign-sync-roles")

        auditlog.register(Campaign, m2m_fields={"themes"})
        auditlog.register(RosterEntry)
        auditlog.register(Unit)
        auditlog.register(Client)
        auditlog.register(Theme)
