"""Endpoint registry of this app for the permission harness and the authorization matrix."""

# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "matching:match": "adviser manager reviewer",
    ("POST", "/api/v1/match"): "adviser manager reviewer",
}
