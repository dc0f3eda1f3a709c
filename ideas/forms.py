from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Theme, Unit
from campaign.revisions import RevisionField, revision_token
from campaign.selectors import themes_for
from ideas.filters import DateInput
from ideas.models import Idea, IdeaStatus
from ideas.rules import idea_can_set_shareable, idea_next_statuses
from ideas.services import IdeaInput

MAX_IDEAS_PER_SUBMIT = 20


class IdeaForm(forms.Form):
    """One idea the client gave, on the visit form."""

    title = forms.CharField(
        label=_("Idea in a few words"), max_length=Idea._meta.get_field("title").max_length
    )
    text = forms.CharField(
        label=_("In the client's words"),
        required=False,
        max_length=Idea._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=None, required=False, empty_label=_("– no theme yet –")
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes_for(campaign=campaign)

    def idea(self) -> IdeaInput:
        return IdeaInput(
            title=self.cleaned_data["title"],
            text=self.cleaned_data["text"],
            theme=self.cleaned_data["theme"],
        )


IdeaFormSet = forms.formset_factory(
    IdeaForm, extra=1, max_num=MAX_IDEAS_PER_SUBMIT, validate_max=True
)


def idea_formset(*, campaign: Campaign, data=None, extra_forms: int = 0):
    """The ideas of one submit of the visit form. `extra_forms` adds empty rows when the page is
    used without JavaScript ("Add an idea")."""
    if data is not None and extra_forms:
        data = data.copy()
        try:
            total = max(0, int(data.get("ideas-TOTAL_FORMS") or 0))
        except ValueError:
            total = 0  # a damaged count: start the rows again from one
        data["ideas-TOTAL_FORMS"] = str(min(total + extra_forms, MAX_IDEAS_PER_SUBMIT))
    return IdeaFormSet(data, prefix="ideas", form_kwargs={"campaign": campaign})


class IdeaTriageForm(forms.Form):
    """Input for `idea_triage`. The status list offers the idea's current status and the steps
    the lifecycle allows from it; the service is what refuses any other jump."""

    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=_("No theme")
    )
    owner_unit = forms.ModelChoiceField(
        label=_("Owner unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("No owner unit"),
        help_text=_("The unit that must act on the idea; may differ from the collecting unit."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    official_response = forms.CharField(
        label=_("Official response"),
        required=False,
        max_length=Idea._meta.get_field("official_response").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The answer the client and the collecting unit will see."),
    )
    is_shareable = forms.BooleanField(label=_("Show in the campaign report"), required=False)
    revision = RevisionField()

    def __init__(self, *args, idea: Idea, user, **kwargs):
        initial = self.saved_values(idea)
        initial["revision"] = revision_token(saved_at=idea.updated_at, values=initial)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(
            Q(is_active=True) | Q(pk=idea.theme_id)
        )
        self.fields["owner_unit"].queryset = Unit.objects.filter(
            Q(is_active=True) | Q(pk=idea.owner_unit_id)
        )
        offered = [idea.status, *idea_next_statuses(idea.status)]
        offered = [s for s in offered if s != IdeaStatus.DUPLICATE or idea.status == s]
        self.fields["status"].widget.choices = [
            (value, label) for value, label in IdeaStatus.choices if value in offered
        ]
        if not idea_can_set_shareable(user=user):
            del self.fields["is_shareable"]

    @staticmethod
    def saved_values(idea: Idea) -> dict:
        return {
            "theme": idea.theme_id,
            "owner_unit": idea.owner_unit_id,
            "status": idea.status,
            "due_on": idea.due_on,
            "official_response": idea.official_response,
            "is_shareable": idea.is_shareable,
        }


class IdeaCorrectionForm(forms.Form):
    """Input for `idea_correct`: the idea's title and the client's words, as corrected."""

    title = forms.CharField(
        label=_("Idea in a few words"), max_length=Idea._meta.get_field("title").max_length
    )
    text = forms.CharField(
        label=_("In the client's words"),
        required=False,
        max_length=Idea._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    forget_earlier_wording = forms.BooleanField(
        label=_("The earlier wording had personal data in it: remove it from the history"),
        required=False,
        help_text=_(
            "The history then shows that the idea was corrected, by whom and when, but not what "
            "it said before."
        ),
    )
    revision = RevisionField()

    def __init__(self, *args, idea: Idea, **kwargs):
        initial = self.saved_values(idea)
        initial["revision"] = revision_token(saved_at=idea.updated_at, values=initial)
        super().__init__(*args, initial=initial, **kwargs)

    @staticmethod
    def saved_values(idea: Idea) -> dict:
        return {"title": idea.title, "text": idea.text}


class IdeaDuplicateForm(forms.Form):
    original = forms.IntegerField(
        label=_("Number of the original idea"),
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The idea number shown in the list; this idea will point to it."),
    )

    def __init__(self, *args, visible_ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_ideas = visible_ideas

    def clean_original(self):
        number = self.cleaned_data["original"]
        original = self.visible_ideas.filter(pk=number).first()
        if original is None:
            raise forms.ValidationError(
                _("There is no idea number %(number)s that you can see."), params={"number": number}
            )
        return original
