"""Foundation costs, measured side by side in one run.

* audit overhead: a service write with its audit event vs the same write alone (ratio of medians);
* audit log page: median render time at 100 and at 10,000 events, and its query count at both
  (the page must not grow with the log).

Prints a JSON object as its last line.
"""

import json

from _setup import median_ms, setup_django, timed

setup_django()

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klantbelang.accounts.models import Membership, User
from klantbelang.core.audit import diff, record_audit
from klantbelang.core.models import AuditEvent, Firm

REPEAT = 300

firm, _ = Firm.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
manager = User.objects.filter(email="bench@example.nl").first() or User.objects.create_user(
    email="bench@example.nl", password="x", full_name="Bench Manager")
Membership.objects.get_or_create(user=manager, firm=firm, role="manager")
counter = iter(range(10**9))


@transaction.atomic
def write_plain():
    firm.name = f"Bench {next(counter)}"
    firm.save(update_fields=["name"])


@transaction.atomic
def write_audited():
    before = firm.name
    firm.name = f"Bench {next(counter)}"
    firm.save(update_fields=["name"])
    record_audit(actor=manager, action="firm.renamed", obj=firm, changes=diff({"name": before}, {"name": firm.name}))


# Interleave the two so that drift of the machine hits both alike.
plain, audited = [], []
for _ in range(REPEAT // 10):
    plain += timed(write_plain, 10)
    audited += timed(write_audited, 10)

browser = Client()
browser.force_login(manager)


def page():
    response = browser.get("/audit/")
    assert response.status_code == 200


def page_profile():
    with CaptureQueriesContext(connection) as queries:
        page()
    return len(queries), median_ms(timed(page, 30))


queries_small, page_small_ms = page_profile()
events = [AuditEvent(firm=firm, actor=manager, actor_label=manager.email, action="bench.event",
                     object_type="core.firm", object_id=str(firm.pk), object_label="Bench") for _ in range(10_000)]
AuditEvent.objects.bulk_create(events, batch_size=2000)
queries_large, page_large_ms = page_profile()

result = {
    "database": connection.vendor,
    "write_plain_ms_median": median_ms(plain),
    "write_audited_ms_median": median_ms(audited),
    "audit_overhead_ratio": round(median_ms(audited) / median_ms(plain), 2),
    "audit_page_ms_median_at_small_log": page_small_ms,
    "audit_page_ms_median_at_10k_more_events": page_large_ms,
    "audit_page_queries": [queries_small, queries_large],
}
print(json.dumps(result))
