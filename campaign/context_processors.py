from django.utils.functional import SimpleLazyObject

from campaign.selectors import campaign_current


def navigation(request):
    """The current campaign, for the header of every page. Read only when the page shows it: a
    table rendered inside a page runs the context processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_campaign": None}
    return {"current_campaign": SimpleLazyObject(campaign_current)}
