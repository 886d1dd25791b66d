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
