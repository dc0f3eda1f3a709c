"""The idea list's filters. The list page and the exports use this one FilterSet, so a file
always holds the rows the page shows for the same query string."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from campaign.lookups import ContainsText
from campaign.models import Campaign, Client, ClientKind, Theme, Unit
from ideas.models import IdeaStatus
from visits.models import VisitParticipant

NO_VALUE = "null"
# The longest search: each word is a condition of its own, so a text of thousands of words would
# be a query of thousands of conditions.
SEARCH_LENGTH = 200


def _region_choices():
    regions = (
        Client.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    return [(region, region) for region in regions]


def _unit_ids(unit) -> list[int]:
    return list(Unit.objects.with_descendants(unit).values_list("pk", flat=True))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class IdeaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words in the title, the client's words, the response or the client's name."),
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"),
        field_name="visit__campaign",
        queryset=Campaign.objects.all(),
        empty_label=_("All campaigns"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        empty_label=_("All themes"),
        null_label=_("No theme yet"),
        null_value=NO_VALUE,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=IdeaStatus.choices, empty_label=_("All statuses")
    )
    owner_unit = django_filters.ModelChoiceFilter(
        label=_("Owner unit"),
        queryset=Unit.objects.all(),
        method="filter_owner_unit",
        empty_label=_("All owner units"),
        null_label=_("No owner unit yet"),
        null_value=NO_VALUE,
    )
    collecting_unit = django_filters.ModelChoiceFilter(
        label=_("Collecting unit"),
        queryset=Unit.objects.all(),
        method="filter_collecting_unit",
        empty_label=_("All collecting units"),
    )
    client_kind = django_filters.ChoiceFilter(
        label=_("Client kind"),
        field_name="visit__client__kind",
        choices=ClientKind.choices,
        empty_label=_("All client kinds"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="visit__client__region",
        choices=_region_choices,
        empty_label=_("All regions"),
    )
    collected_from = django_filters.DateFilter(
        label=_("Visit date from"),
        field_name="visit__visited_on",
        lookup_expr="gte",
        widget=DateInput,
    )
    collected_to = django_filters.DateFilter(
        label=_("Visit date to"),
        field_name="visit__visited_on",
        lookup_expr="lte",
        widget=DateInput,
    )

    def __init__(self, data=None, *args, **kwargs):
        # Without a campaign in the query string the list shows the current campaign; choosing
        # "All campaigns" sends an empty value and shows every campaign.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if "campaign" not in data:
            current = Campaign.objects.current()
            if current is not None:
                data["campaign"] = str(current.pk)
        super().__init__(data, *args, **kwargs)

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            condition = (
                Q(ContainsText(F("title"), word))
                | Q(ContainsText(F("text"), word))
                | Q(ContainsText(F("official_response"), word))
                | Q(ContainsText(F("visit__client__name"), word))
            )
            if word.isdecimal() and len(word) < 18:  # "²" is a digit but not a number
                condition |= Q(pk=int(word))
            queryset = queryset.filter(condition)
        return queryset

    # The units are listed as ids, so the planner knows how many there are.

    def filter_owner_unit(self, queryset, name, value):
        if value == NO_VALUE:
            return queryset.filter(owner_unit__isnull=True)
        return queryset.filter(owner_unit__in=_unit_ids(value))

    def filter_collecting_unit(self, queryset, name, value):
        units = _unit_ids(value)
        return queryset.filter(
            Exists(VisitParticipant.objects.filter(visit=OuterRef("visit_id"), unit__in=units))
        )
