"""Forms for logging and editing a visit; the rules themselves live in `visits.services`."""

import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from campaign.models import (
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    Campaign,
    Client,
    Staff,
    client_name_key,
)
from campaign.revisions import RevisionField, revision_token
from visits.models import ClientFeedback, Visit
from visits.rules import Verdict, VisitStatus, visit_default_status, visit_verdict
from visits.selectors import (
    Lookup,
    client_lookup,
    clients_similar_to,
    staff_by_ids,
    staff_lookup,
)
from visits.services import ClientInput, same_name_message, visit_rule_errors


def _an_id(value) -> int | None:
    """A row id sent in a form, or None for anything else (text, a NUL byte, a huge number)."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 10 else None


def _typed(value, max_length: int) -> str:
    """Text typed in a picker's box, spaces collapsed, as far as a search can use it."""
    return " ".join(str(value or "").replace("\x00", "").split())[:max_length]


class PickerWidget(forms.Widget):
    """A picker: a box to type in, which static/js/visits.js turns into a combobox that searches
    as one types, and the chosen rows' ids. Without JavaScript the form resolves what was typed
    (`VisitFieldsForm.resolve_pickers`) and offers the matches to choose from. The form sets
    `query` (the text), `chosen` (the rows chosen), `matches` and `note` before it is shown."""

    QUERY = "_query"
    MATCH = "_match"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.query = ""
        self.chosen = []
        self.matches = []
        self.note = ""

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.chosen, copy.matches = [], []
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = (attrs or {}).get("id", "")
        query_attrs = {**context["widget"]["attrs"], "id": self.id_for_label(field_id)}
        context["widget"] |= {
            "query_name": name + self.QUERY,
            "match_name": name + self.MATCH,
            "query": self.query,
            "query_attrs": flatatt(query_attrs),
            "chosen": self.chosen,
            "matches": self.matches,
            "note": self.note,
        }
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/visits/widgets/), not the form renderer's.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308


class ClientPicker(PickerWidget):
    """The client: a box for its name or business ID, and the chosen client's id (hidden)."""

    template_name = "visits/widgets/client_picker.html"

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class CoVisitorPicker(PickerWidget):
    """Co-visitors: each chosen person a ticked box (untick to remove), and a box to add one."""

    template_name = "visits/widgets/co_visitor_picker.html"
    allow_multiple_selected = True
    use_fieldset = True

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nobody ticked is an answer too

    def id_for_label(self, id_):
        # The error summary and the label lead to the box for adding someone.
        return f"{id_}{self.QUERY}" if id_ else id_


class ClientChoiceField(forms.ModelChoiceField):
    # Set by the form when the text typed names no client yet: the error instead of "required".
    problem = ""

    def validate(self, value):
        if self.problem and value in self.empty_values:
            raise ValidationError(self.problem, code="client_not_resolved")
        super().validate(value)

    def label_from_instance(self, obj):
        details = ", ".join(part for part in (obj.get_kind_display(), obj.region) if part)
        return f"{obj.name} ({details})"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.unit})" if obj.unit_id else str(obj)


# The buttons of the pickers without JavaScript: they look up what was typed, saving nothing.
PICKER_BUTTONS = ("find_client", "add_co_visitor")
CLIENT_QUERY_LENGTH = Client._meta.get_field("name").max_length
STAFF_QUERY_LENGTH = 100


def _yes_no(value) -> bool:
    return value in (True, "True", "true", "1", "on")


class VisitFieldsForm(forms.Form):
    """The fields that logging and editing share."""

    client = ClientChoiceField(
        label=_("Search for the client"),
        queryset=Client.objects.order_by("name"),
        required=False,
        widget=ClientPicker,
        help_text=_(
            "Type part of the name or region, or the business ID, and choose the client; or add "
            "a new one below."
        ),
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
        widget=CoVisitorPicker,
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
        self.logger = logger
        self.same_day_visit = None
        # What the pickers' boxes name but no row resolves yet (None: nothing left to resolve).
        self.client_lookup: Lookup | None = None
        self.co_visitor_lookup: Lookup | None = None
        self._pickers_resolved = False
        if self.is_bound:
            self.data = self.data.copy()  # resolving a picker writes the id it found
        self.fields["co_visitors"].queryset = (
            Staff.objects.filter(is_active=True)
            .exclude(pk=logger.pk)
            .select_related("unit")
            .order_by("last_name", "first_name")
        )
        self.fields["minutes"].widget.attrs.update(
            {"min": MIN_VISIT_MINUTES, "max": MAX_VISIT_MINUTES}
        )
        self.fields["client"].widget.attrs.update(
            {"maxlength": CLIENT_QUERY_LENGTH, "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["co_visitors"].widget.attrs.update(
            {"maxlength": STAFF_QUERY_LENGTH, "autocomplete": "off", "spellcheck": "false"}
        )
        if not self.is_bound:
            self._show_initial_picks()

    # --- The pickers ---------------------------------------------------------------------------

    def _show_initial_picks(self):
        client_id = _an_id(getattr(self.initial.get("client"), "pk", self.initial.get("client")))
        if client_id is not None:
            client = Client.objects.filter(pk=client_id).first()
            self.fields["client"].widget.query = client.name if client else ""
        ids = [_an_id(getattr(v, "pk", v)) for v in self.initial.get("co_visitors", [])]
        self.fields["co_visitors"].widget.chosen = staff_by_ids(ids=ids)

    def resolve_pickers(self):
        """Turn what was typed in the pickers into rows, for a form sent without JavaScript (or
        typed in without choosing): the client or person it names exactly, or a choice among the
        matches; a match chosen from those offered. Writes the ids found into the form's data, so
        a form shown again keeps them. Runs once, before validation or before a page that saves
        nothing (a picker's own button, a new idea row, the verdict check) is shown."""
        if self._pickers_resolved or not self.is_bound:
            return
        self._pickers_resolved = True
        self._resolve_client()
        self._resolve_co_visitors()

    def _resolve_client(self):
        data, widget = self.data, self.fields["client"].widget
        query_key, match_key = "client" + widget.QUERY, "client" + widget.MATCH
        query = _typed(data.get(query_key), CLIENT_QUERY_LENGTH)
        chosen = None
        if _an_id(data.get(match_key)) is not None:
            chosen = Client.objects.filter(pk=_an_id(data[match_key])).first()
        elif _an_id(data.get("client")) is not None:
            chosen = Client.objects.filter(pk=_an_id(data["client"])).first()
            if chosen and query and client_name_key(query) != client_name_key(chosen.name):
                chosen = None  # another client typed over the one chosen before
        if chosen is None and query:
            self.client_lookup = client_lookup(query=query)
            chosen = self.client_lookup.found
        data.pop(match_key, None)
        if chosen is not None:
            self.client_lookup = None
            data["client"], data[query_key] = str(chosen.pk), chosen.name
        elif query:
            data["client"] = ""
        widget.query = data.get(query_key, "")
        if self.client_lookup is not None:
            widget.matches = self.client_lookup.matches
            widget.note = self.client_problem()
            if not self.adding_new_client():
                self.fields["client"].problem = widget.note

    def _resolve_co_visitors(self):
        data, widget = self.data, self.fields["co_visitors"].widget
        query_key, match_key = "co_visitors" + widget.QUERY, "co_visitors" + widget.MATCH
        chosen = [_an_id(value) for value in data.getlist("co_visitors")]
        picked = [_an_id(value) for value in data.getlist(match_key)]
        query = _typed(data.get(query_key), STAFF_QUERY_LENGTH)
        data.pop(match_key, None)
        if any(pk is not None for pk in picked):
            added, query = [pk for pk in picked if pk is not None], ""
        elif query:
            lookup = staff_lookup(query=query, exclude_ids=[self.logger.pk])
            matches = [person for person in lookup.matches if person.pk not in chosen]
            if lookup.found is not None:
                added, query = [lookup.found.pk], ""
            elif matches or not lookup.matches:
                added, self.co_visitor_lookup = [], Lookup(matches=matches)
            else:
                added, query = [], ""  # everyone it matches is chosen already
        else:
            added = []
        for pk in added:
            if pk not in chosen:
                chosen.append(pk)
                data.appendlist("co_visitors", str(pk))
        data[query_key] = query
        widget.query = query
        widget.chosen = staff_by_ids(ids=chosen)
        if self.co_visitor_lookup is not None:
            widget.matches = self.co_visitor_lookup.matches
            widget.note = self.co_visitor_problem()

    def adding_new_client(self) -> bool:
        return False

    def client_problem(self) -> str:
        """Why the typed client is not chosen yet, and what to do."""
        lookup, query = self.client_lookup, self.fields["client"].widget.query
        if lookup is None:
            return ""
        if lookup.matches:
            return _(
                "“%(query)s” is not exactly the name or business ID of a client. Choose the "
                "client from those below, or type more of the name."
            ) % {"query": query}
        return _("No client matches “%(query)s”. Check the spelling.") % {"query": query}

    def co_visitor_problem(self) -> str:
        lookup, query = self.co_visitor_lookup, self.fields["co_visitors"].widget.query
        if lookup is None:
            return ""
        if lookup.matches:
            return _(
                "“%(query)s” is not exactly one person's name. Tick those below who took part, "
                "or type more of the name."
            ) % {"query": query}
        return _("Nobody matches “%(query)s”. Check the spelling, or empty the box.") % {
            "query": query
        }

    def full_clean(self):
        self.resolve_pickers()
        super().full_clean()
        for name in ("client", "co_visitors"):
            if self._errors and name in self._errors:
                self.fields[name].widget.note = ""  # the field's error says it already

    def clean_co_visitors(self):
        people = self.cleaned_data["co_visitors"]
        if self.co_visitor_lookup is not None:
            raise ValidationError(self.co_visitor_problem(), code="co_visitor_not_resolved")
        return people

    def chosen_client(self) -> Client | None:
        """The client the form names, even while other fields are unanswered."""
        self.resolve_pickers()
        value = self["client"].data if self.is_bound else self.initial.get("client")
        try:
            return self.fields["client"].clean(value)
        except ValidationError:
            return None

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

    def adding_new_client(self) -> bool:
        # A name typed for a new client wins over a search in the client box that found nothing.
        return bool(_typed(self.data.get("new_client_name"), CLIENT_QUERY_LENGTH))

    def client_problem(self) -> str:
        if self.client_lookup is not None and not self.client_lookup.matches:
            return _(
                "No client matches “%(query)s”. Check the spelling, or add a new client below."
            ) % {"query": self.fields["client"].widget.query}
        return super().client_problem()

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
            if not self.has_error("client"):
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


class ClientFeedbackForm(forms.Form):
    """The client's answer through the feedback link. The address is asked for only with the
    consent ticked; a changed answer does not show an address given before (whoever has the link
    would see it), it keeps it unless the client asks to hear nothing more."""

    benefit_rating = forms.TypedChoiceField(
        label=_("How useful was the visit for you?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = no benefit, 5 = very useful"),
        error_messages={"required": _("Choose how useful the visit was, from 1 to 5.")},
    )
    next_steps = forms.CharField(
        label=_("What should we do next?"),
        required=False,
        max_length=ClientFeedback._meta.get_field("next_steps").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What our organisation could do for you, or do differently. Please write no names or "
            "other personal details."
        ),
    )
    wants_news = forms.BooleanField(
        label=_("Yes, tell me by e-mail what becomes of the ideas I gave"),
        required=False,
        help_text=_(
            "We use the address only for this and remove it when the campaign's follow-up ends."
        ),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=ClientFeedback._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, address_on_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.address_on_file = address_on_file
        if address_on_file:
            self.fields["email"].help_text = _(
                "We have the address you gave earlier. Leave this empty to keep it, or give "
                "another one."
            )

    @classmethod
    def initial_for(cls, feedback: ClientFeedback | None) -> dict:
        if feedback is None:
            return {}
        return {
            "benefit_rating": feedback.benefit_rating,
            "next_steps": feedback.next_steps,
            "wants_news": feedback.wants_news,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and not cleaned.get("wants_news"):
            self.add_error(
                "wants_news",
                _("Tick the box if we may keep your address, or leave the address empty."),
            )
        elif (
            cleaned.get("wants_news")
            and not cleaned.get("email")
            and not self.address_on_file
            and "email" not in self.errors
        ):
            self.add_error(
                "email",
                _("Give the address to which we may tell you what becomes of your ideas."),
            )
        return cleaned
