"""Filters of the visit list; every value arrives in the query string and bad ones are ignored."""

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from campaign.lookups import ContainsText
from campaign.models import Campaign, Client, Unit
from visits.models import Visit
from visits.rules import VisitStatus


class VisitFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("-starts_on"),
        empty_label=_("All campaigns"),
    )
    mine = django_filters.BooleanFilter(
        label=_("Only visits I took part in"),
        method="filter_mine",
        widget=forms.CheckboxInput,
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True).order_by("name"),
        method="filter_unit",
        empty_label=_("All units"),
    )
    client = django_filters.CharFilter(
        label=_("Client"),
        method="filter_client",
        max_length=Client._meta.get_field("name").max_length,
    )
    client_kind = django_filters.ChoiceFilter(
        label=_("Client kind"),
        field_name="client__kind",
        choices=Client.Kind.choices,
        empty_label=_("All kinds"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VisitStatus.choices, empty_label=_("Any status")
    )
    counts = django_filters.ChoiceFilter(
        label=_("Counts for the campaign"),
        choices=[("yes", _("Counts")), ("no", _("Normal client work"))],
        method="filter_counts",
        empty_label=_("Both"),
    )
    visited_from = django_filters.DateFilter(
        label=_("From"),
        field_name="visited_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visited_to = django_filters.DateFilter(
        label=_("To"),
        field_name="visited_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Visit
        fields = []

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_participant(self.request.user)

    def filter_client(self, queryset, name, value):
        return queryset.filter(ContainsText(F("client__name"), value)) if value else queryset

    def filter_unit(self, queryset, name, value):
        return queryset.for_unit(value) if value else queryset

    def filter_counts(self, queryset, name, value):
        if value == "yes":
            return queryset.counted()
        if value == "no":
            return queryset.not_counted()
        return queryset
