from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from challenge.models import FEED_URL_LENGTH, Peer


class PeerAddForm(forms.Form):
    # The scheme is typed, not assumed: whether a feed is fetched securely is no guess.
    feed_url = forms.CharField(
        label=_("Feed address"),
        max_length=FEED_URL_LENGTH,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "The other organisation's feed, e.g. "
            "https://kylaan.example.org/challenge/their-campaign/feed.json. Their page "
            "/challenge/join/ lists it."
        ),
    )


class PublicationForm(forms.Form):
    """Publish a campaign or stop publishing it: one button of each row."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), widget=forms.HiddenInput)
    publish = forms.TypedChoiceField(
        choices=[("1", _("Publish")), ("0", _("Stop publishing"))],
        coerce=lambda value: value == "1",
    )


class PeerRemoveForm(forms.Form):
    peer = forms.ModelChoiceField(queryset=Peer.objects.all(), widget=forms.HiddenInput)
