import datetime

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.tests.factories import household
from klantbelang.core.tests.matrix import VALIDATED_FIRST
from klantbelang.relationships import services
from klantbelang.relationships.models import Complaint, PeriodicReview, Survey
from klantbelang.relationships.tests.factories import TERMS


def _client(firm):
    return household(firm, member(firm, "adviser"))


def _agreement(firm, user):
    client = _client(firm)
    return services.draft_agreement(client=client, by=client.responsible_adviser, terms=TERMS)


def _review(firm, user):
    client = _client(firm)
    return PeriodicReview.objects.create(firm=firm, client=client, trigger="cadence", trigger_key="cadence:x",
                                         reason="Jaarlijks", due_on=datetime.date(2026, 12, 1))


def _survey(firm, user):
    return Survey.objects.create(firm=firm, client=_client(firm), about="Herziening")


def _complaint(firm, user):
    return Complaint.objects.create(firm=firm, client=_client(firm), subject="Traag", description="…",
                                    received_on=datetime.date(2026, 11, 1), acknowledge_by=datetime.date(2026, 11, 6),
                                    resolve_by=datetime.date(2026, 12, 13))


URL_OBJECTS = {
    "relationships:client_relationship": lambda firm, user: (client := _client(firm), {"pk": client.pk}),
    "relationships:agreement_document": lambda firm, user: (item := _agreement(firm, user), {"pk": item.pk}),
    "relationships:agreement_pdf": lambda firm, user: (item := _agreement(firm, user), {"pk": item.pk}),
    "relationships:agreement_confirm": lambda firm, user: (item := _agreement(firm, user), {"pk": item.pk}),
    "relationships:review_detail": lambda firm, user: (item := _review(firm, user), {"pk": item.pk}),
    "relationships:complaint_detail": lambda firm, user: (item := _complaint(firm, user), {"pk": item.pk}),
    "relationships:survey_answer": lambda firm, user: (item := _survey(firm, user), {"pk": item.pk}),
    # A personal calendar feed: its signed token is the credential (tested in test_views).
    "relationships:calendar": None,
}

API_OBJECTS = {
    ("GET", "/api/v1/clients/{client_id}/agreements"): lambda firm, user: (
        client := _client(firm), {"client_id": client.pk}),
    ("POST", "/api/v1/clients/{client_id}/agreements"): lambda firm, user: (
        client := _client(firm), {"client_id": client.pk}, TERMS),
    ("POST", "/api/v1/agreements/{agreement_id}/confirm"): lambda firm, user: (
        item := _agreement(firm, user), {"agreement_id": item.pk}),
    ("GET", "/api/v1/clients/{client_id}/obligations"): lambda firm, user: (
        client := _client(firm), {"client_id": client.pk}),
    ("GET", "/api/v1/clients/{client_id}/reviews"): lambda firm, user: (
        client := _client(firm), {"client_id": client.pk}),
    ("POST", "/api/v1/reviews/{review_id}/outcome"): lambda firm, user: (
        item := _review(firm, user), {"review_id": item.pk}, {"status": "delivered"}),
    ("POST", "/api/v1/clients/{client_id}/life-events"): lambda firm, user: (
        client := _client(firm), {"client_id": client.pk}, {"event_type": "child", "date": "2026-11-01"}),
    ("GET", "/api/v1/clients/{client_id}/health"): lambda firm, user: (
        client := _client(firm), {"client_id": client.pk}),
    ("POST", "/api/v1/surveys/{survey_id}/answer"): lambda firm, user: (
        item := _survey(firm, user), {"survey_id": item.pk}, {"satisfaction": 5, "would_recommend": 9}),
    ("POST", "/api/v1/complaints/{complaint_id}/advance"): lambda firm, user: (
        item := _complaint(firm, user), {"complaint_id": item.pk}, {"to": "acknowledged"}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "relationships:agreement_confirm": "admin manager",
    "relationships:agreement_document": "admin manager reviewer",
    "relationships:agreement_pdf": "admin manager reviewer",
    "relationships:client_relationship": "admin manager reviewer",
    "relationships:complaint_detail": "admin manager",
    "relationships:complaint_list": "admin adviser manager",
    "relationships:firm_terms": "admin",
    "relationships:portal": "",
    "relationships:review_detail": "admin manager",
    "relationships:survey_answer": "admin manager reviewer",
    "relationships:worklist": "admin adviser manager",
    "relationships:calendar_renew": "admin adviser manager",
    ("GET", "/api/v1/clients/{client_id}/agreements"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/health"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/obligations"): "admin manager reviewer",
    ("GET", "/api/v1/clients/{client_id}/reviews"): "admin manager reviewer",
    ("GET", "/api/v1/complaints"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/surveys"): "admin adviser client manager marketing product_developer reviewer",
    ("POST", "/api/v1/agreements/{agreement_id}/confirm"): "admin manager",
    ("POST", "/api/v1/clients/{client_id}/agreements"): "admin manager",
    ("POST", "/api/v1/clients/{client_id}/life-events"): "admin manager",
    ("POST", "/api/v1/complaints"): VALIDATED_FIRST,
    ("POST", "/api/v1/complaints/{complaint_id}/advance"): "admin manager",
    ("POST", "/api/v1/reviews/{review_id}/outcome"): "admin manager",
    ("POST", "/api/v1/surveys/{survey_id}/answer"): "",
}
