from accounts.oidc import password_login, single_sign_on


def sign_in(request):
    """How people sign in here, for the login page, the staff list and the links to them."""
    return {"single_sign_on": single_sign_on(), "password_login": password_login()}
