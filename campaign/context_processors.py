from campaign.roles import role_of
from campaign.selectors import campaign_current


def navigation(request):
    """The current campaign and the viewer's role, for the header and navigation of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_campaign": None, "user_role": None}
    return {"current_campaign": campaign_current(), "user_role": role_of(user)}
