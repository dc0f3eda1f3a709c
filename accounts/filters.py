import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import Staff, Unit


class SignInStatus:
    NOT_INVITED = "not_invited"
    INVITED = "invited"
    SIGNED_IN = "signed_in"
    NO_EMAIL = "no_email"
    NO_UNIT = "no_unit"

    choices = [
        (NOT_INVITED, _("Never signed in, not invited")),
        (INVITED, _("Invited, not signed in yet")),
        (SIGNED_IN, _("Has signed in")),
        (NO_EMAIL, _("No e-mail address")),
        (NO_UNIT, _("No unit")),
    ]


class StaffFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, username or e-mail"), method="search")
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.all(), empty_label=_("All units")
    )
    status = django_filters.ChoiceFilter(
        label=_("Sign-in"),
        choices=SignInStatus.choices,
        empty_label=_("Everyone"),
        method="by_status",
    )

    class Meta:
        model = Staff
        fields = ["q", "unit", "status"]

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
            )
        return queryset

    def by_status(self, queryset, name, value):
        never = queryset.filter(last_login__isnull=True)
        return {
            SignInStatus.NOT_INVITED: never.filter(last_invited_at__isnull=True).exclude(email=""),
            SignInStatus.INVITED: never.filter(last_invited_at__isnull=False),
            SignInStatus.SIGNED_IN: queryset.filter(last_login__isnull=False),
            SignInStatus.NO_EMAIL: queryset.filter(email=""),
            SignInStatus.NO_UNIT: queryset.filter(unit__isnull=True),
        }[value]
