from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The pages that combine the domain apps: the front page, the visit form and page, the
    campaign settings with their rule-change preview, and the campaign report."""

    name = "pages"
    verbose_name = _("Pages")
