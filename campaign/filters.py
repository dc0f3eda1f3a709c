import django_filters
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign


class CampaignFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        label=_("Name"),
        lookup_expr="icontains",
        max_length=Campaign._meta.get_field("name").max_length,
    )

    class Meta:
        model = Campaign
        fields = ["name"]
