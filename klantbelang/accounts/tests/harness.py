from klantbelang.accounts.services import issue_api_token
from klantbelang.accounts.tests.factories import member


def _token(firm, user):
    token, _raw = issue_api_token(user=user, name="harness")
    return token


def _colleague(firm, user):
    return member(firm, "adviser")


URL_OBJECTS = {
    "accounts:revoke_token": lambda firm, user: (token := _token(firm, user), {"pk": token.pk}),
    "accounts:user_roles": lambda firm, user: (person := _colleague(firm, user), {"pk": person.pk}),
    "accounts:user_log_out_everywhere": lambda firm, user: (person := _colleague(firm, user), {"pk": person.pk}),
    # Not an object of a firm: a signed link, checked by its token.
    "accounts:password_set": None,
}

API_OBJECTS = {
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): lambda firm, user: (
        token := _token(firm, user), {"token_id": token.pk}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "accounts:account": "admin adviser client manager marketing product_developer reviewer",
    "accounts:firm_two_factor": "admin",
    "accounts:log_out_everywhere": "admin adviser client manager marketing product_developer reviewer",
    "accounts:revoke_token": "",
    "accounts:two_factor_disable": "admin adviser client manager marketing product_developer reviewer",
    "accounts:two_factor_setup": "admin adviser client manager marketing product_developer reviewer",
    "accounts:two_factor_verify": "admin adviser client manager marketing product_developer reviewer",
    "accounts:user_create": "admin",
    "accounts:user_list": "admin manager",
    "accounts:user_log_out_everywhere": "admin",
    "accounts:user_roles": "admin",
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): "",
    ("GET", "/api/v1/auth/tokens"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/me"): "admin adviser client manager marketing product_developer reviewer",
    ("POST", "/api/v1/auth/log-out-everywhere"): "admin adviser client manager marketing product_developer reviewer",
}
