import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign.models import Staff


class StaffTable(tables.Table):
    """The staff and whether each has been invited and has signed in; a box to tick for the
    invitation when password login is on (the view removes the column otherwise)."""

    select = tables.Column(
        verbose_name=_("Invite"), accessor="pk", orderable=False, empty_values=()
    )
    name = tables.Column(
        verbose_name=_("Name"), accessor="last_name", order_by=("last_name", "first_name")
    )
    username = tables.Column()
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name",), default="–")
    email = tables.Column(default="–")
    last_invited_at = tables.DateColumn(verbose_name=_("Invited"), short=True, default="–")
    last_login = tables.DateColumn(verbose_name=_("Signed in"), short=True, default="–")

    class Meta:
        model = Staff
        fields = ["select", "name", "username", "unit", "email", "last_invited_at", "last_login"]
        order_by = ["name"]
        attrs = {"class": "table", "aria-label": _("Staff")}

    descending_first = ("last_invited_at", "last_login")

    def render_select(self, record):
        if not (record.is_active and record.email and record.last_login is None):
            return ""
        return format_html(
            '<input type="checkbox" name="staff" value="{}" id="invite-{}" form="invite-form">'
            '<label for="invite-{}" class="visually-hidden">{}</label>',
            record.pk,
            record.pk,
            record.pk,
            _("Invite %(name)s") % {"name": record},
        )

    def render_name(self, record):
        return str(record)
