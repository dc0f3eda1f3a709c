from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class CampaignConfig(AppConfig):
    # The app's own configuration, of the module's several (see AxesConfig).
    default = True
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


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling) under a heading of its own in the admin: by default it is
    headed by its label, "Axes"."""

    verbose_name = _("Sign-in attempts")


# django-auditlog and django-axes have no Finnish or Swedish catalogue: the headings they give
# the admin are named here, so that `make messages` keeps them in ours, which Django reads first.
THIRD_PARTY_HEADINGS = (
    gettext_noop("Audit log"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)
