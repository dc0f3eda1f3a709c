from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo organisation and its campaigns, for trying Kylään out (`seed_demo`)."""

    name = "demo"
    verbose_name = _("Demo data")
