import datetime

from klantbelang.clients.tests.test_rules import COMPLETE
from klantbelang.relationships.tests.factories import confirmed_client

# A complete profile whose needs include an emergency buffer and a goal without a plan (investment).
READY = {**COMPLETE, "own_words": "We willen over tien jaar een buffer voor de studie van onze dochter.",
         "monthly_commitments": 3000, "assets": {"savings": 2000, "home_value": 300000},
         "objectives": [{"type": "build_wealth", "horizon_years": 10, "priority": "want", "funded": False,
                         "target_amount": 50000}],
         "existing_products": [{"category": "liability"}, {"category": "home"}]}


def ready_client(firm, adviser, portal_user):
    """A household with a complete profile and an agreement (investment, pension) confirmed by both."""
    return confirmed_client(firm, adviser, portal_user, today=datetime.date(2026, 1, 15), data=READY)
