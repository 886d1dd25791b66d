import datetime
from decimal import Decimal

from klantbelang.clients.tests.factories import household
from klantbelang.relationships import services

TERMS = {"domains": ["investment", "pension"], "service_kind": "ongoing", "basis": "broad", "fee_model": "fixed",
         "fee_amount": Decimal("1450.00"), "review_cadence_months": 12, "response_days": 3, "client_response_days": 14}


def confirmed_client(firm, adviser, portal_user, *, today=datetime.date(2026, 1, 15), data=None):
    """A household with portal access and an agreement confirmed by both sides on ``today``."""
    from klantbelang.clients.models import Client

    client = household(firm, adviser, data=data)
    Client.objects.filter(pk=client.pk).update(portal_user=portal_user)
    client.refresh_from_db()
    agreement = services.draft_agreement(client=client, by=adviser, terms=TERMS)
    services.confirm_agreement(agreement=agreement, by=adviser, today=today)
    services.confirm_agreement(agreement=agreement, by=portal_user, today=today)
    client.refresh_from_db()
    return client
