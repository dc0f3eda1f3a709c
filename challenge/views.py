"""The challenge's pages: the organisations side by side, the public feed, the invitation to the
next organisation, and the coordinators' page for publishing and following."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from challenge.charts import visits_chart
from challenge.feed import as_json
from challenge.forms import PeerAddForm, PeerRemoveForm, PublicationForm
from challenge.selectors import (
    CHALLENGE_WEIGHTS,
    campaigns_to_publish,
    challenge_board,
    feed_payload,
    feed_url,
    our_campaign,
    peers_followed,
    published_campaign,
    published_campaigns,
    site_url,
)
from challenge.services import (
    campaign_publish,
    campaign_unpublish,
    peer_add,
    peer_remove,
    peers_refresh,
)

# Peers fetch hourly; a proxy or a peer may keep the feed this long.
FEED_MAX_AGE = 5 * 60
MANAGE = "challenge.manage_challenge"


@require_safe
def index(request):
    board = challenge_board(base=site_url())
    return render(
        request,
        "challenge/index.html",
        {
            "board": board,
            "chart": visits_chart(board.standings),
            "weights": CHALLENGE_WEIGHTS,
        },
    )


@login_not_required
@require_safe
def feed(request, slug):
    """A published campaign's figures (README: what is and is not shared), public."""
    campaign = published_campaign(slug=slug)
    if campaign is None:
        raise Http404
    payload = feed_payload(campaign=campaign, base=site_url())
    # The figures' own address: the time of computing is left out, so the ETag changes only
    # when a figure does, and a peer that has them gets a 304.
    unchanged = as_json({key: value for key, value in payload.items() if key != "computed_at"})
    etag = quote_etag(hashlib.sha256(unchanged).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(as_json(payload), content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    return response


@login_not_required
@require_safe
def join(request):
    """The invitation an organisation sends to the next one."""
    base = site_url()
    campaigns = list(published_campaigns())
    return render(
        request,
        "challenge/join.html",
        {
            "organisation_name": settings.ORGANISATION_NAME,
            "campaign": our_campaign(),
            "feeds": [(c, feed_url(campaign=c, base=base)) for c in campaigns],
        },
    )


# --- Coordinators: publishing and following ------------------------------------------------------


def _manage_page(request, *, add_form=None):
    base = site_url()
    return render(
        request,
        "challenge/manage.html",
        {
            "campaigns": [(c, feed_url(campaign=c, base=base)) for c in campaigns_to_publish()],
            "peers": peers_followed(),
            "add_form": add_form or PeerAddForm(),
        },
    )


@permission_required(MANAGE, raise_exception=True)
@require_safe
def manage(request):
    return _manage_page(request)


@permission_required(MANAGE, raise_exception=True)
@require_POST
def manage_publishing(request):
    form = PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a campaign from the list."))
        return redirect("challenge:manage")
    campaign = form.cleaned_data["campaign"]
    if form.cleaned_data["publish"]:
        campaign_publish(campaign=campaign, by=request.user)
        messages.success(
            request, _("“%(name)s” is now published to the challenge.") % {"name": campaign.name}
        )
    else:
        campaign_unpublish(campaign=campaign)
        messages.success(request, _("“%(name)s” is no longer published.") % {"name": campaign.name})
    return redirect("challenge:manage")


@permission_required(MANAGE, raise_exception=True)
@require_POST
def manage_peer_add(request):
    form = PeerAddForm(request.POST)
    if form.is_valid():
        try:
            peer = peer_add(feed_url=form.cleaned_data["feed_url"], by=request.user)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                _("Now following %(url)s. Its figures come with the next fetch.")
                % {"url": peer.feed_url},
            )
            return redirect("challenge:manage")
    return _manage_page(request, add_form=form)


@permission_required(MANAGE, raise_exception=True)
@require_POST
def manage_peer_remove(request):
    form = PeerRemoveForm(request.POST)
    if form.is_valid():
        peer = form.cleaned_data["peer"]
        peer_remove(peer=peer)
        messages.success(request, _("No longer following %(url)s.") % {"url": peer.feed_url})
    else:
        messages.error(request, _("That organisation is not followed."))
    return redirect("challenge:manage")


@permission_required(MANAGE, raise_exception=True)
@require_POST
def manage_refresh(request):
    outcomes = peers_refresh()
    failed = sum(not outcome.ok for outcome in outcomes)
    if failed:
        messages.warning(
            request,
            _("Fetched %(ok)s of %(all)s feeds; the others are listed with their problem.")
            % {"ok": len(outcomes) - failed, "all": len(outcomes)},
        )
    else:
        messages.success(request, _("Fetched every feed (%(all)s).") % {"all": len(outcomes)})
    return redirect("challenge:manage")
