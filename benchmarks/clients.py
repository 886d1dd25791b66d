"""Client inventory speed.

* needs analysis over 100,000 generated household profiles in one batch: profiles per second for
  the rules alone and for everything stored with a version (rules, completeness per domain,
  contradictions, derived risk);
* the client list with 100,000 clients (run it with DATABASE_URL pointing at PostgreSQL): median
  render time of the first page, a filtered page and a search, and the number of queries on the
  first and the last page (constant: no N+1).

Prints a JSON object as its last line.
"""

import datetime
import json
import os
import random
import statistics
import time

from _setup import setup_django, timed

setup_django()

from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from klantbelang.accounts.models import Membership, Team, User
from klantbelang.clients.completeness import DOMAINS, contradictions, missing_for
from klantbelang.clients.household_generator import household
from klantbelang.clients.models import Client, domain_mask
from bulk_needs import analyse
from klantbelang.clients.profile_data import derive, empty_profile, merge
from klantbelang.core.models import Firm

PROFILES = int(os.environ.get("BENCH_PROFILES", 100_000))
CLIENTS = 100_000
TODAY = datetime.date(2026, 11, 26)


def profiles(count):
    rng = random.Random(42)
    result = []
    for number in range(count):
        _name, persons, data = household(rng, TODAY, number)
        data["household"] = [{"role": person["role"], "employment": person.get("employment"),
                              "date_of_birth": person["date_of_birth"].isoformat()} for person in persons]
        result.append(merge(empty_profile(), data))
    return result


def needs_analysis():
    books = profiles(PROFILES)
    start = time.perf_counter()
    found = sum(len(analyse(data, TODAY)) for data in books)
    rules_only = PROFILES / (time.perf_counter() - start)
    start = time.perf_counter()
    for data in books:
        analyse(data, TODAY)
        {domain: missing_for(data, domain) for domain in DOMAINS}
        contradictions(data)
        derive(data)
    everything = PROFILES / (time.perf_counter() - start)
    return {"needs_found": found, "rules_profiles_per_s": round(rules_only),
            "version_derivations_per_s": round(everything)}


def client_list():
    firm, _ = Firm.objects.get_or_create(slug="bench-clients", defaults={"name": "Bench"})
    manager = User.objects.filter(email="manager@bench.nl").first() or User.objects.create_user(
        email="manager@bench.nl", password="x", full_name="Bench Manager")
    adviser = User.objects.filter(email="adviser@bench.nl").first() or User.objects.create_user(
        email="adviser@bench.nl", password="x", full_name="Bench Adviser")
    Membership.objects.get_or_create(user=manager, firm=firm, role="manager")
    Membership.objects.get_or_create(user=adviser, firm=firm, role="adviser")
    team, _ = Team.objects.get_or_create(firm=firm, name="Bench team")
    team.members.add(adviser)
    missing = Client.objects.filter(firm=firm).count()
    rng = random.Random(7)
    batch = []
    for number in range(missing, CLIENTS):
        domains = rng.sample(DOMAINS, rng.randint(0, 3))
        batch.append(Client(firm=firm, reference=f"B{number:07d}", name=f"Huishouden {rng.choice(NAMES)} {number}",
                            missing_mask=domain_mask(domains),
                            responsible_adviser=adviser if number % 3 else manager,
                            team=team if number % 5 == 0 else None,
                            last_life_event_on=TODAY - datetime.timedelta(days=rng.randint(0, 2000))))
        if len(batch) == 10_000:
            Client.objects.bulk_create(batch)
            batch = []
    Client.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        # Planner statistics for the bulk-loaded book, as autovacuum would have them in production;
        # without them the search and the adviser's list get plans for an empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE clients_client")
            cursor.execute("ANALYZE clients_person")
    results = {}
    for label, user in (("manager", manager), ("adviser", adviser)):
        browser = Browser()
        browser.force_login(user)
        for name, query in (("first_page", {}), ("missing_investment", {"missing": "investment"}),
                            ("search", {"q": "Jansen 12"})):
            browser.get("/clients/", query)
            results[f"{label}_{name}_ms_median"] = round(statistics.median(
                timed(lambda query=query, browser=browser: browser.get("/clients/", query), 15)) * 1000, 1)
        counts = []
        for page in (1, CLIENTS // 50 // (3 if label == "adviser" else 1)):
            with CaptureQueriesContext(connection) as queries:
                response = browser.get("/clients/", {"page": page})
                assert response.status_code == 200
            counts.append(len(queries))
        results[f"{label}_queries_first_and_last_page"] = counts
    return results


NAMES = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Peeters", "Maes"]

if __name__ == "__main__":
    figures = {"database": connection.vendor, "profiles": PROFILES, **needs_analysis(), "clients": CLIENTS,
               **client_list()}
    print(json.dumps(figures))
