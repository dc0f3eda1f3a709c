"""Forms for logging and editing a visit; the rules themselves live in `visits.services`."""

import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import MAX_VISIT_MINUTES, MIN_VISIT_MINUTES, Campaign, Client, Staff
from campaign.revisions import RevisionField, revision_token
from visits.models import Visit
from visits.rules import Verdict, VisitStatus, visit_default_status, visit_verdict
from visits.selectors import clients_similar_to
from visits.services import ClientInput, same_name_message, visit_rule_errors


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        details = ", ".join(part for part in (obj.get_kind_display(), obj.region) if part)
        return f"{obj.name} ({details})"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.unit})" if obj.unit_id else str(obj)


def _yes_no(value) -> bool:
    return value in (True, "True", "true", "1", "on")


class VisitFieldsForm(forms.Form):
    """The fields that logging and editing share."""

    client = ClientChoiceField(
        label=_("Choose the client"),
        queryset=Client.objects.order_by("name"),
        required=False,
        empty_label=_("– choose the client –"),
        help_text=_("Type in the search box to find the client, or add a new one below."),
    )
    visited_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A date in the future makes this a planned visit."),
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    is_remote = forms.TypedChoiceField(
        label=_("Where"),
        choices=[(False, _("On site at the client's")), (True, _("Remote"))],
        coerce=_yes_no,
        widget=forms.RadioSelect,
        initial=False,
    )
    co_visitors = StaffChoiceField(
        label=_("Co-visitors"),
        queryset=Staff.objects.none(),
        required=False,
        help_text=_("Colleagues who took part with you. You are included automatically."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    listened_most = forms.BooleanField(
        label=_("Most of the time was spent listening to the client."), required=False
    )
    not_without_campaign = forms.BooleanField(
        label=_("The meeting would not have happened without the campaign."), required=False
    )
    notes = forms.CharField(
        label=_("What we learned"),
        required=False,
        max_length=Visit._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    same_day_confirmed = forms.BooleanField(
        label=_("Yes, log another visit to this client on this day"), required=False
    )
    benefit_rating = forms.TypedChoiceField(
        label=_("How useful was the visit for you?"),
        choices=[("", _("Not rated")), *[(n, str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("1 = no benefit, 5 = very useful"),
    )

    def __init__(self, *args, campaign: Campaign, logger: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.same_day_visit = None
        self.fields["co_visitors"].queryset = (
            Staff.objects.filter(is_active=True)
            .exclude(pk=logger.pk)
            .select_related("unit")
            .order_by("last_name", "first_name")
        )
        self.fields["minutes"].widget.attrs.update(
            {"min": MIN_VISIT_MINUTES, "max": MAX_VISIT_MINUTES}
        )

    def visit_status(self) -> str:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        errors = visit_rule_errors(
            campaign=self.campaign,
            status=self.visit_status(),
            visited_on=cleaned.get("visited_on"),
            minutes=cleaned.get("minutes"),
            today=timezone.localdate(),
        )
        for name, message in errors.items():
            if name in cleaned or name in self.fields:
                self.add_error(name, message)
        return cleaned

    def visit_values(self) -> dict:
        data = self.cleaned_data
        return {
            "visited_on": data["visited_on"],
            "minutes": data["minutes"],
            "is_remote": data["is_remote"],
            "listened_most": data["listened_most"],
            "not_without_campaign": data["not_without_campaign"],
            "notes": data["notes"],
            "benefit_rating": data["benefit_rating"],
            "co_visitors": list(data["co_visitors"]),
            "same_day_confirmed": data["same_day_confirmed"],
        }


class VisitLogForm(VisitFieldsForm):
    """One form for the visit, its client (chosen or new) and co-visitors; ideas are a formset."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    new_client_name = forms.CharField(
        label=_("Name of the new client"),
        required=False,
        max_length=Client._meta.get_field("name").max_length,
    )
    new_client_kind = forms.ChoiceField(
        label=_("Kind"), choices=Client.Kind.choices, initial=Client.Kind.OTHER, required=False
    )
    new_client_region = forms.CharField(
        label=_("Region"), required=False, max_length=Client._meta.get_field("region").max_length
    )
    new_client_business_id = forms.CharField(
        label=_("Business ID"),
        required=False,
        max_length=Client._meta.get_field("business_id").max_length,
        help_text=_("Optional, in the form 1234567-8."),
    )
    new_client_confirmed = forms.BooleanField(
        label=_("Yes, this is a new client, not one of the similar ones."), required=False
    )

    field_order = [
        "client",
        "new_client_name",
        "new_client_kind",
        "new_client_region",
        "new_client_business_id",
        "new_client_confirmed",
        "same_day_confirmed",
        "visited_on",
        "minutes",
        "is_remote",
        "co_visitors",
    ]
    NEW_CLIENT_FIELDS = (
        "new_client_name",
        "new_client_kind",
        "new_client_region",
        "new_client_business_id",
        "new_client_confirmed",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.similar_clients = None
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
            self.initial.setdefault("visited_on", timezone.localdate())
            self.initial.setdefault("minutes", self.campaign.min_minutes)

    def visit_status(self) -> str:
        return visit_default_status(
            visited_on=self.cleaned_data.get("visited_on"), today=timezone.localdate()
        )

    def clean_new_client_business_id(self):
        value = self.cleaned_data["new_client_business_id"].strip()
        if value:
            Client._meta.get_field("business_id").run_validators(value)
        return value

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("new_client_name", "").strip()
        if cleaned.get("client") is not None:
            if name:
                self.add_error(
                    "new_client_name",
                    _("Choose a client from the list or add a new one, not both."),
                )
            return cleaned
        if not name:
            self.add_error("client", _("Choose the client, or add a new one below."))
            return cleaned
        similar = clients_similar_to(
            name=name, business_id=cleaned.get("new_client_business_id", "")
        )
        self.similar_clients = similar
        if similar.same_business_id:
            self.add_error(
                "new_client_business_id",
                _("%(client)s already has this business ID. Choose it from the list instead.")
                % {"client": similar.same_business_id},
            )
        elif similar.same_name:
            self.add_error("new_client_name", same_name_message(similar.same_name))
        elif similar.similar_names and not cleaned.get("new_client_confirmed"):
            self.add_error(
                "new_client_name",
                _(
                    "Similar clients already exist: %(names)s. Choose one of them from the list, "
                    "or tick “Yes, this is a new client” to add it."
                )
                % {"names": ", ".join(c.name for c in similar.similar_names[:5])},
            )
        return cleaned

    def new_client(self) -> ClientInput | None:
        data = self.cleaned_data
        if data.get("client") is not None:
            return None
        return ClientInput(
            name=data["new_client_name"],
            kind=data["new_client_kind"] or Client.Kind.OTHER,
            region=data["new_client_region"],
            business_id=data["new_client_business_id"],
        )


class VisitEditForm(VisitFieldsForm):
    revision = RevisionField()
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (VisitStatus.DONE, VisitStatus.DONE.label),
            (VisitStatus.PLANNED, VisitStatus.PLANNED.label),
        ],
        widget=forms.RadioSelect,
        help_text=_("To withdraw the visit, use “Withdraw” on the visit's page."),
    )

    field_order = [
        "client",
        "same_day_confirmed",
        "status",
        "visited_on",
        "minutes",
        "is_remote",
        "co_visitors",
    ]

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, logger=visit.created_by, **kwargs)
        self.visit = visit
        self.fields["client"].required = True
        self.fields["client"].help_text = ""
        self.fields["co_visitors"].help_text = _(
            "Colleagues who took part. The person who logged the visit stays on it."
        )
        self.fields["same_day_confirmed"].label = _(
            "Yes, these are two visits to this client on this day: keep both"
        )
        if visit.status == VisitStatus.CANCELLED:
            self.fields["status"].choices = [
                (VisitStatus.CANCELLED, VisitStatus.CANCELLED.label),
                *self.fields["status"].choices,
            ]

    def visit_status(self) -> str:
        return self.cleaned_data.get("status") or self.visit.status

    @classmethod
    def initial_for(cls, visit: Visit) -> dict:
        """The form's values for the visit as saved, with the revision they are from."""
        values = cls.saved_values(visit)
        return values | {"revision": revision_token(saved_at=visit.updated_at, values=values)}

    @staticmethod
    def saved_values(visit: Visit) -> dict:
        return {
            "client": visit.client_id,
            "status": visit.status,
            "visited_on": visit.visited_on,
            "minutes": visit.minutes,
            "is_remote": visit.is_remote,
            "co_visitors": [
                p.staff_id for p in visit.participations.all() if p.staff_id != visit.created_by_id
            ],
            "listened_most": visit.listened_most,
            "not_without_campaign": visit.not_without_campaign,
            "notes": visit.notes,
            "benefit_rating": visit.benefit_rating,
        }


class LookupQueryForm(forms.Form):
    """What the visit form's script asks the helper endpoints (client and staff search, similar
    clients, earlier visits, the live verdict). A value a field refuses — a NUL byte, an id that
    is not a number — is left out, so the endpoint answers as if it had not been asked."""

    q = forms.CharField(required=False)
    name = forms.CharField(required=False)
    business_id = forms.CharField(required=False)
    client = forms.IntegerField(required=False)
    exclude = forms.IntegerField(required=False)
    campaign = forms.IntegerField(required=False)

    def values(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class VerdictQueryForm(forms.Form):
    """What the live "will this count" preview sends; lenient, since the form is half filled."""

    visited_on = forms.DateField(required=False)
    minutes = forms.IntegerField(required=False)
    is_remote = forms.TypedChoiceField(
        choices=[(False, ""), (True, "")], coerce=_yes_no, required=False, empty_value=False
    )
    listened_most = forms.BooleanField(required=False)
    not_without_campaign = forms.BooleanField(required=False)
    status = forms.ChoiceField(choices=VisitStatus.choices, required=False)

    def _status(self, today: dt.date) -> str:
        """The status asked about; without one (a new visit), what saving would make it."""
        if self.cleaned_data.get("status"):
            return self.cleaned_data["status"]
        return visit_default_status(visited_on=self.cleaned_data.get("visited_on"), today=today)

    def verdict_arguments(self, today: dt.date) -> dict | None:
        data = self.cleaned_data
        if data.get("visited_on") is None or data.get("minutes") is None:
            return None
        return {
            "status": self._status(today),
            "visited_on": data["visited_on"],
            "minutes": data["minutes"],
            "is_remote": data["is_remote"],
            "listened_most": data["listened_most"],
            "not_without_campaign": data["not_without_campaign"],
        }

    def preview(self, *, campaign: Campaign, today: dt.date) -> tuple[Verdict | None, list[str]]:
        """The verdict the box shows, and the messages saving would refuse the date or minutes
        with: the box must never promise a save that will fail."""
        if not self.is_valid():
            return None, []
        arguments = self.verdict_arguments(today)
        data = self.cleaned_data
        rule_errors = visit_rule_errors(
            campaign=campaign,
            status=self._status(today),
            visited_on=data.get("visited_on"),
            minutes=data.get("minutes"),
            today=today,
        )
        if rule_errors:
            return None, list(rule_errors.values())
        if arguments is None:
            return None, []
        return visit_verdict(campaign=campaign, **arguments), []
