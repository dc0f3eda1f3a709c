"""The mail settings of a person and of a campaign."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import KIND_DESCRIPTIONS, NotificationKind


class PreferencesForm(forms.Form):
    """One box per kind of mail the person can get, ticked when they get it."""

    def __init__(self, *args, kinds: list[str], opted_out: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(
                label=NotificationKind(kind).label,
                help_text=KIND_DESCRIPTIONS[kind],
                required=False,
                initial=kind not in opted_out,
            )

    def wanted(self) -> list[str]:
        return [kind for kind in self.kinds if self.cleaned_data.get(kind)]


class CampaignNotificationsForm(forms.Form):
    """Which kinds of mail the campaign sends (coordinators, on the campaign's settings page)."""

    prefix = "notifications"

    enabled = forms.MultipleChoiceField(
        label=_("Mails sent in this campaign"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Kylään sends these mails by itself during the campaign. Each person can still turn "
            "any of them off for themselves."
        ),
    )

    def __init__(self, *args, kinds_off: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled"].initial = [k for k in NotificationKind.values if k not in kinds_off]
