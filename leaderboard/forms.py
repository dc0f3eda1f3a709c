from django import forms
from django.utils.translation import gettext_lazy as _

from leaderboard.selectors import DEPARTMENTS, UNITS


class StandingsFilterForm(forms.Form):
    """What the leaderboard shows: units or departments, all or one department's units."""

    level = forms.ChoiceField(
        label=_("Show"),
        choices=[(UNITS, _("Units")), (DEPARTMENTS, _("Departments"))],
        required=False,
    )
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (department.pk, department.name) for department in departments
        ]
