"""Forms for campaign setup and the organisation import. Rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.imports import ImportKind
from campaign.models import SHORT_TEXT_LENGTH, Campaign, Theme
from campaign.selectors import campaign_logging_ended_by
from campaign.services import CAMPAIGN_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


SLUG_HELP = _(
    "Used in the campaign's web addresses: lowercase letters a–z (not ä, ö or å), digits and "
    "hyphens, e.g. kylaan-2027."
)
SLUG_HELP_NEW = _(
    "Used in the campaign's web addresses: lowercase letters a–z (not ä, ö or å), digits and "
    "hyphens, e.g. kylaan-2027. Leave it empty to have it made from the name."
)
SLUG_INVALID = _("Use only letters a–z without ä, ö or å, digits and hyphens, e.g. kylaan-2027.")


def _slug_optional_when_new(form: forms.ModelForm) -> None:
    """The short name's help says which letters it takes, and so does its error; a new campaign
    may leave it empty: the service makes one from the name."""
    field = form.fields["slug"]
    field.error_messages["invalid"] = SLUG_INVALID
    field.help_text = SLUG_HELP
    if not form.instance.pk:
        field.required = False
        field.help_text = SLUG_HELP_NEW


class CampaignForm(forms.ModelForm):
    new_themes = forms.CharField(
        label=_("New themes"),
        required=False,
        max_length=SHORT_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One theme per line; they are added to the themes above and to this campaign."),
    )
    make_current = forms.BooleanField(
        label=_("Current campaign"),
        required=False,
        help_text=_(
            "The dashboard shows the current campaign, and staff log their visits to it. Only "
            "one campaign is current."
        ),
    )
    logging_end_confirmed = forms.BooleanField(required=False)

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_FIELDS, "themes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "visit_definition": forms.Textarea(attrs={"rows": 3}),
            "visit_definition_sv": forms.Textarea(attrs={"rows": 3}),
            "visit_definition_en": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_sv": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(is_active=True)
        _slug_optional_when_new(self)
        if self.instance.pk:
            self.fields["make_current"].initial = self.instance.is_current
        self._ask_to_confirm_the_end_of_logging()

    def _ask_to_confirm_the_end_of_logging(self) -> None:
        """The box to confirm that making this campaign current ends logging for the running one,
        shown only when the form asks to make it current and a campaign is running."""
        running = None
        if self.is_bound and self["make_current"].data:
            running = campaign_logging_ended_by(campaign=self.instance)
        if running is None:
            del self.fields["logging_end_confirmed"]
            return
        field = self.fields["logging_end_confirmed"]
        field.label = _("Yes, make this campaign current and end logging for “%(name)s”") % {
            "name": running.local_name
        }
        order = list(self.fields)
        order.remove("logging_end_confirmed")
        order.insert(order.index("make_current") + 1, "logging_end_confirmed")
        self.order_fields(order)

    def clean_new_themes(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["new_themes"].splitlines()]
        names = [name for name in dict.fromkeys(names) if name]
        too_long = [name for name in names if len(name) > Theme._meta.get_field("name").max_length]
        if too_long:
            raise forms.ValidationError(
                _("A theme name can be at most 100 characters: %(name)s") % {"name": too_long[0]}
            )
        return names

    def settings(self) -> dict:
        """The cleaned settings, as the campaign services take them."""
        return {name: self.cleaned_data[name] for name in CAMPAIGN_FIELDS}


class CampaignCloneForm(forms.ModelForm):
    """Only what must differ from the source: everything else is copied."""

    class Meta:
        model = Campaign
        fields = ["name", "slug", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _slug_optional_when_new(self)


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
