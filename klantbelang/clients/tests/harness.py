from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household
from klantbelang.core.tests.matrix import VALIDATED_FIRST


def _client(firm, user):
    return household(firm, member(firm, "adviser"))


URL_OBJECTS = {
    "clients:client_detail": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:section_edit": lambda firm, user: (client := _client(firm, user), {"pk": client.pk, "section": "income"}),
    "clients:person_add": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:person_edit": lambda firm, user: (
        person := _client(firm, user).persons.get(), {"pk": person.client_id, "person_pk": person.pk}),
    "clients:person_email_confirm": lambda firm, user: (
        person := _client(firm, user).persons.get(), {"pk": person.client_id, "person_pk": person.pk}),
    # The link sent to a person's old address: its signed token is the credential (test_views_and_api).
    "clients:email_confirm": None,
    "clients:compare_versions": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    # Savings below three months of fixed costs: the plan finds an emergency buffer need to match.
    "clients:need_match": lambda firm, user: (
        client := household(firm, member(firm, "adviser"), data={"monthly_commitments": 1000,
                                                                 "assets": {"savings": 0}}),
        {"pk": client.pk, "index": 0}),
    "clients:invite": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:confirm": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_export_json": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_export_pdf": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_consent": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_erase": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:analysis": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
}

API_OBJECTS = {
    ("GET", "/api/v1/clients/{client_id}"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/profiles"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("POST", "/api/v1/clients/{client_id}/profiles"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/profiles/{version}"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk, "version": 1}),
    ("GET", "/api/v1/clients/{client_id}/needs"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/profile"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/data-export"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/data-export.pdf"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/consents"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("POST", "/api/v1/clients/{client_id}/consents"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk},
        {"purpose": "marketing_email", "given": True, "channel": "phone"}),
    ("GET", "/api/v1/clients/{client_id}/plan"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}),
    ("POST", "/api/v1/clients/{client_id}/erasure"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}, {"reason": "Verzoek per brief, paspoort gezien."}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "clients:client_create": "admin adviser manager",
    "clients:client_detail": "admin manager reviewer",
    "clients:client_list": "admin adviser manager reviewer",
    "clients:compare_versions": "",
    "clients:confirm": "admin manager",
    "clients:invite": "",
    "clients:need_match": "manager reviewer",
    "clients:person_add": "admin manager",
    "clients:person_edit": "admin manager",
    "clients:person_email_confirm": "admin manager",
    "clients:portal": "",
    "clients:portal_privacy": "",
    "clients:privacy": "admin manager",
    "clients:privacy_consent": "admin manager",
    "clients:privacy_erase": "admin manager",
    "clients:privacy_export_json": "admin manager",
    "clients:privacy_export_pdf": "admin manager",
    "clients:section_edit": "admin manager",
    ("GET", "/api/v1/clients"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/clients/{client_id}"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/consents"): "admin manager",
    ("GET", "/api/v1/clients/{client_id}/data-export"): "admin manager",
    ("GET", "/api/v1/clients/{client_id}/data-export.pdf"): "admin manager",
    ("GET", "/api/v1/clients/{client_id}/needs"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/plan"): "admin manager reviewer",
    ("POST", "/api/v1/plan"): "admin adviser manager reviewer",
    "clients:analysis": "admin manager reviewer",
    "clients:replan": "admin manager",
    ("POST", "/api/v1/replan"): "admin manager",
    ("GET", "/api/v1/clients/{client_id}/profile"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/profiles"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/profiles/{version}"): "admin manager reviewer",
    ("POST", "/api/v1/clients"): VALIDATED_FIRST,
    ("POST", "/api/v1/clients/{client_id}/consents"): "admin manager",
    ("POST", "/api/v1/clients/{client_id}/erasure"): "admin manager",
    ("POST", "/api/v1/clients/{client_id}/profiles"): "admin manager",
}
