from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household


def _client(firm, user):
    return household(firm, member(firm, "adviser"))


URL_OBJECTS = {
    "clients:client_detail": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:section_edit": lambda firm, user: (client := _client(firm, user), {"pk": client.pk, "section": "income"}),
    "clients:person_add": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:person_edit": lambda firm, user: (
        person := _client(firm, user).persons.get(), {"pk": person.client_id, "person_pk": person.pk}),
    "clients:compare_versions": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:need_match": lambda firm, user: (client := _client(firm, user), {"pk": client.pk, "index": 0}),
    "clients:invite": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:confirm": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_export_json": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_export_pdf": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_consent": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
    "clients:privacy_erase": lambda firm, user: (client := _client(firm, user), {"pk": client.pk}),
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
    ("POST", "/api/v1/clients/{client_id}/erasure"): lambda firm, user: (
        client := _client(firm, user), {"client_id": client.pk}, {"reason": "Verzoek per brief, paspoort gezien."}),
}
