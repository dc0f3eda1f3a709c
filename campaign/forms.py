"""Forms for campaign setup and the organisation import. Rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.imports import ImportKind
from campaign.models import Campaign, Theme
from campaign.services import CAMPAIGN_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignForm(forms.ModelForm):
    make_current = forms.BooleanField(
        label=_("current campaign"),
        required=False,
        help_text=_("The dashboard shows the current campaign. Only one campaign is current."),
    )

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_FIELDS, "themes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "visit_definition": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["make_current"].initial = self.instance.is_current

    def settings(self) -> dict:
        """The cleaned settings, as the campaign services take them."""
        return {name: self.cleaned_data[name] for name in CAMPAIGN_FIELDS}


class CampaignCloneForm(forms.ModelForm):
    """Only what must differ from the source: everything else is copied."""

    class Meta:
        model = Campaign
        fields = ["name", "slug", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class RosterForm(forms.Form):
    confirm_started = forms.BooleanField(
        label=_("Yes, change the roster of a campaign that has already started"),
        required=False,
    )


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma or semicolon separated) or Excel XLSX, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )
