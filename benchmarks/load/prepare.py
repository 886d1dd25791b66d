"""Prepare the load-test database: the demo data set (its 2,000-product shelf and demo logins),
topped up to 100,000 households in Demo Advies, every one with persons and a full needs-profile
version, spread over the firm's four advisers. Writes ``targets.json`` (client, case and advice
numbers per demo login) for the locust scenario.

Needs DATABASE_URL pointing at a PostgreSQL database (``run.py`` creates ``klantbelang_load``).
Idempotent: a second run only tops up what is missing.
"""

import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_DEBUG"] = "true"  # demo logins exist only on development installs; the server runs without
from _setup import setup_django

setup_django()

from django.core.management import call_command
from django.db import connection, transaction

from klantbelang.accounts.models import User
from klantbelang.advice.models import AdviceCase
from klantbelang.clients.completeness import DOMAINS, contradictions, missing_for
from klantbelang.clients.household_generator import household
from klantbelang.clients.models import Client, NeedsProfile, Person, domain_mask
from bulk_needs import analyse
from klantbelang.clients.profile_data import derive, empty_profile, flatten, merge
from klantbelang.core.models import Firm
from klantbelang.products.models import Product

CLIENTS = int(os.environ.get("LOAD_CLIENTS", 100_000))
ADVISERS = ["adviser@demo.nl", "pension@demo.nl", "hypotheek@demo.nl", "inkomen@demo.nl"]
TARGETS = Path(__file__).resolve().parent / "targets.json"
TODAY = datetime.date(2026, 11, 26)
CHUNK = 2000


def top_up(firm) -> int:
    advisers = [User.objects.get(email=email) for email in ADVISERS]
    present = Client.objects.filter(firm=firm).count()
    rng = random.Random(present)
    created = 0
    for offset in range(present, CLIENTS, CHUNK):
        size = min(CHUNK, CLIENTS - offset)
        generated = [household(rng, TODAY, offset + index) for index in range(size)]
        with transaction.atomic():
            clients = Client.objects.bulk_create([
                Client(firm=firm, reference=f"L{offset + index:07d}", name=name,
                       responsible_adviser=advisers[(offset + index) % len(advisers)])
                for index, (name, _persons, _data) in enumerate(generated)])
            Person.objects.bulk_create([Person(client=client, **person)
                                        for client, (_name, persons, _data) in zip(clients, generated, strict=True)
                                        for person in persons])
            profiles = []
            for client, (_name, persons, data) in zip(clients, generated, strict=True):
                data["household"] = [{"role": person["role"], "employment": person.get("employment", ""),
                                      "date_of_birth": person["date_of_birth"].isoformat()} for person in persons]
                data = merge(empty_profile(), data)
                missing = {domain: missing_for(data, domain) for domain in DOMAINS}
                stamp = {"source": "import", "at": f"{TODAY.isoformat()}T09:00:00+00:00", "by": None}
                profiles.append(NeedsProfile(client=client, version=1, data=data, source="import",
                                             provenance=dict.fromkeys(flatten(data), stamp), derived=derive(data),
                                             needs=analyse(data, TODAY), missing=missing,
                                             contradictions=contradictions(data)))
                client.missing_mask = domain_mask(domain for domain, items in missing.items() if items)
            NeedsProfile.objects.bulk_create(profiles)
            for client, profile in zip(clients, profiles, strict=True):
                client.current_profile = profile
            Client.objects.bulk_update(clients, ["current_profile", "missing_mask"])
        created += size
        print(f"  {offset + size:,} households", flush=True)
    return created


def targets(firm) -> dict:
    """Numbers the scenario picks from, per demo login: a sample of each adviser's households with
    needs, and the firm's advice cases."""
    result = {"advisers": {}, "cases": list(AdviceCase.objects.filter(firm=firm).values_list("pk", flat=True))}
    for email in ADVISERS:
        numbers = list(Client.objects.filter(firm=firm, responsible_adviser__email=email)
                       .exclude(current_profile__needs=[]).values_list("pk", flat=True)[:50_000])
        result["advisers"][email] = random.Random(email).sample(numbers, min(1000, len(numbers)))
    return result


if __name__ == "__main__":
    started = time.perf_counter()
    if not Firm.objects.filter(slug="demo-advies").exists():
        call_command("seed_demo")
    firm = Firm.objects.get(slug="demo-advies")
    created = top_up(firm)
    TARGETS.write_text(json.dumps(targets(firm)))
    if created and connection.vendor == "postgresql":
        # Fresh planner statistics after a bulk load, as autovacuum would have them in production.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(json.dumps({"clients": Client.objects.filter(firm=firm).count(),
                      "products": Product.objects.filter(firm=firm).count(), "created": created,
                      "seconds": round(time.perf_counter() - started, 1)}))
