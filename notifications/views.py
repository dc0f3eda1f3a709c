"""A person's mail settings, and the public one-click unsubscribe page a mail links to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaign.models import Staff
from campaign.selectors import campaign_current
from notifications.forms import PreferencesForm
from notifications.models import NotificationKind
from notifications.selectors import campaign_kinds_off, kinds_for, opted_out_kinds
from notifications.services import notification_unsubscribe, preferences_set
from notifications.tokens import unsubscribe_reading


@require_http_methods(["GET", "POST"])
def preferences_view(request):
    kinds = kinds_for(staff=request.user)
    form = PreferencesForm(
        request.POST or None, kinds=kinds, opted_out=opted_out_kinds(staff=request.user)
    )
    if request.method == "POST" and form.is_valid():
        preferences_set(staff=request.user, shown=kinds, wanted=form.wanted())
        messages.success(request, _("Your mail settings were saved."))
        return redirect("notifications:preferences")
    campaign = campaign_current()
    off = campaign_kinds_off(campaign=campaign)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "campaign": campaign,
            "off_in_campaign": [NotificationKind(k).label for k in kinds if k in off],
            "has_email": bool(request.user.email),
        },
    )


# A mail program's one-click unsubscribe (RFC 8058) posts without a CSRF token or a session:
# the signed token in the address is what proves the link came in the person's own mail.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, unsubscribe_token):
    """GET asks to confirm (a link checker or a mail scanner opening the link changes nothing);
    POST turns the kind off and comes back here to say so."""
    reading = unsubscribe_reading(unsubscribe_token)
    staff = Staff.objects.filter(pk=reading[0]).first() if reading else None
    if staff is None:
        return render(request, "notifications/unsubscribe.html", {"broken": True}, status=404)
    kind = reading[1]
    if request.method == "POST":
        notification_unsubscribe(staff=staff, kind=kind)
        return redirect("notifications:unsubscribe", unsubscribe_token=unsubscribe_token)
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "kind_label": NotificationKind(kind).label,
            "unsubscribed": kind in opted_out_kinds(staff=staff),
        },
    )
