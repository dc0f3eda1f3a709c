import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign


class CampaignTable(tables.Table):
    name = tables.Column(linkify=("campaigns:edit", [tables.A("slug")]))
    starts_on = tables.DateColumn(short=True)
    ends_on = tables.DateColumn(short=True)
    is_current = tables.BooleanColumn(yesno=(_("Current"), ""))
    visit_count = tables.Column(verbose_name=_("Visits"), attrs={"td": {"class": "number"}})
    roster_count = tables.Column(verbose_name=_("On roster"), attrs={"td": {"class": "number"}})
    report = tables.TemplateColumn(
        template_name="campaign/_campaign_actions.html",
        verbose_name=_("Actions"),
        orderable=False,
    )

    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "is_current", "visit_count", "roster_count"]
        order_by = ["-starts_on"]
        attrs = {"class": "table", "aria-label": _("Campaigns")}
