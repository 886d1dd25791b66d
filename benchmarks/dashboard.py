"""Quality dashboard at the scale of a large firm (run with DATABASE_URL pointing at PostgreSQL).

Generates 200,000 clients, 300,000 released advice files with 1,000,000 recommendations and
300,000 four-eyes reviews over 24 months for 50 advisers in 5 teams, then measures:

* the nightly pre-aggregation (`quality.services.refresh`), once;
* every dashboard page (firm, team, adviser, a module, the files behind a figure, the JSON API):
  median and p95 of 15 runs after one warm-up, and the number of queries.

Target: every page's median under 300 ms with a constant number of queries. Prints a JSON object
as its last line.
"""

import datetime
import json
import os
import random
import statistics
import time

from _setup import setup_django

setup_django()

from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klantbelang.accounts.models import Membership, Team, User
from klantbelang.advice.models import AdviceCase, AdviceVersion, Recommendation, Review
from klantbelang.clients.models import Client, NeedsProfile
from klantbelang.core.models import Firm
from klantbelang.products.models import Product, Provider
from klantbelang.quality import services

CLIENTS = int(os.environ.get("BENCH_CLIENTS", 200_000))
CASES = int(os.environ.get("BENCH_CASES", 300_000))
RECOMMENDATIONS = int(os.environ.get("BENCH_RECOMMENDATIONS", 1_000_000))
ADVISERS = 50
TODAY = datetime.date(2026, 11, 26)
NEEDS = ["death_cover", "income_protection", "pension_gap", "mortgage_financing", "home_cover", "wealth_building"]
OK = {key: {"ok": True, "comment": ""} for key in ("needs_complete", "rationale_per_need", "alternatives", "costs",
                                                   "deviations_justified", "report_understandable")}


def generate():
    firm, _created = Firm.objects.get_or_create(slug="bench-quality", defaults={"name": "Bench Kwaliteit"})
    manager = User.objects.filter(email="manager@bench-quality.nl").first() or User.objects.create_user(
        email="manager@bench-quality.nl", password="x", full_name="Bench Manager")
    Membership.objects.get_or_create(user=manager, firm=firm, role="manager")
    reviewer = User.objects.filter(email="reviewer@bench-quality.nl").first() or User.objects.create_user(
        email="reviewer@bench-quality.nl", password="x", full_name="Bench Reviewer")
    Membership.objects.get_or_create(user=reviewer, firm=firm, role="reviewer")
    advisers = []
    for number in range(ADVISERS):
        email = f"adviser{number}@bench-quality.nl"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password="x", full_name=f"Adviseur {number:02d}")
        Membership.objects.get_or_create(user=user, firm=firm, role="adviser")
        advisers.append(user)
    teams = []
    for number in range(5):
        team, _ = Team.objects.get_or_create(firm=firm, name=f"Team {number}")
        team.members.add(*advisers[number * 10:(number + 1) * 10])
        teams.append(team)
    if AdviceCase.objects.filter(firm=firm).exists():
        return firm, manager, advisers, teams
    rng = random.Random(11)
    started = time.perf_counter()
    Client.objects.bulk_create([Client(firm=firm, reference=f"Q{number:07d}", name=f"Huishouden {number}",
                                       responsible_adviser=advisers[number % ADVISERS],
                                       missing_mask=rng.choice([0, 0, 0, 1, 2, 4]))
                                for number in range(CLIENTS)], batch_size=10_000)
    first = Client.objects.filter(firm=firm).order_by("pk").first()
    profile = NeedsProfile.objects.create(client=first, version=1, data={}, source="adviser")
    client_ids = list(Client.objects.filter(firm=firm).values_list("pk", flat=True))
    providers = [Provider.objects.get_or_create(firm=firm, name=f"Aanbieder {number}")[0] for number in range(40)]
    Product.objects.bulk_create([Product(firm=firm, provider=providers[number % 40], code=f"QP{number:05d}",
                                         name=f"Product {number}", category="term_life", target_market={})
                                 for number in range(2000)], batch_size=2000)
    products = list(Product.objects.filter(firm=firm).values_list("pk", flat=True))
    start = datetime.datetime(2024, 12, 1, tzinfo=datetime.UTC)
    span = (datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC) - start).total_seconds()
    per_case = RECOMMENDATIONS / CASES
    made = 0
    for offset in range(0, CASES, 10_000):
        size = min(10_000, CASES - offset)
        moments = [start + datetime.timedelta(seconds=rng.random() * span) for _ in range(size)]
        cases = AdviceCase.objects.bulk_create([
            AdviceCase(firm=firm, client_id=rng.choice(client_ids), title="Advies", reason="other",
                       domains=["life"], profile=profile, status="released", lead=rng.choice(advisers),
                       created_at=moment - datetime.timedelta(days=20)) for moment in moments])
        AdviceVersion.objects.bulk_create([AdviceVersion(case=case, number=1, snapshot={}, released_by=case.lead,
                                                         released_at=moment)
                                           for case, moment in zip(cases, moments, strict=True)])
        Review.objects.bulk_create([
            Review(case=case, reviewer=reviewer, author=case.lead,
                   outcome="approved" if rng.random() < 0.8 else "changes_requested",
                   submitted_at=moment - datetime.timedelta(days=3),
                   created_at=moment - datetime.timedelta(days=3) + datetime.timedelta(hours=rng.uniform(2, 60)),
                   checklist=OK) for case, moment in zip(cases, moments, strict=True)])
        recommendations = []
        for case in cases:
            count = int(per_case) + (rng.random() < per_case - int(per_case))
            for need in rng.sample(NEEDS, min(count, len(NEEDS))):
                eligible = rng.random() < 0.93
                recommendations.append(Recommendation(
                    case=case, need_type=need, product_id=rng.choice(products), eligible=eligible, rationale="Past.",
                    deviation_reason="" if eligible else "Keuze van de klant"))
        Recommendation.objects.bulk_create(recommendations, batch_size=10_000)
        made += len(recommendations)
        print(f"  {offset + size:,} files, {made:,} recommendations ({time.perf_counter() - started:.0f} s)",
              flush=True)
    return firm, manager, advisers, teams


def measure(browser, url, params, runs=15):
    browser.get(url, params)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = browser.get(url, params)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        browser.get(url, params)
    samples.sort()
    return {"ms_median": round(statistics.median(samples) * 1000, 1),
            "ms_p95": round(samples[int(len(samples) * 0.95) - 1] * 1000, 1), "queries": len(queries)}


def main():
    firm, manager, advisers, teams = generate()
    counts = {"clients": Client.objects.filter(firm=firm).count(),
              "released_files": AdviceCase.objects.filter(firm=firm).count(),
              "recommendations": Recommendation.objects.filter(case__firm=firm).count(),
              "reviews": Review.objects.filter(case__firm=firm).count()}
    print(f"data: {counts}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a day of work
    started = time.perf_counter()
    services.refresh(firm, months=24, today=TODAY)
    refresh_s = round(time.perf_counter() - started, 1)
    print(f"refresh (24 months, pre-aggregation): {refresh_s} s")
    browser = Browser()
    browser.force_login(manager)
    period = {"start": "2025-12", "end": "2026-11"}
    pages = {
        "dashboard_firm": ("/quality/", period),
        "dashboard_team": ("/quality/", {**period, "team": teams[0].pk}),
        "dashboard_adviser": ("/quality/", {**period, "adviser": advisers[0].pk}),
        "module_advice_fit": ("/quality/module/", {**period, "module": "advice_fit"}),
        "module_four_eyes_team": ("/quality/module/", {**period, "module": "four_eyes", "team": teams[1].pk}),
        "files_adviser": ("/quality/files/", {**period, "lead": advisers[0].pk}),
        "api_dashboard": ("/api/v1/quality/dashboard", {"start": "2025-12-01", "end": "2026-11-26"}),
    }
    results = {}
    for name, (url, params) in pages.items():
        results[name] = measure(browser, url, params)
        print(f"{name:24} median {results[name]['ms_median']:7.1f} ms  p95 {results[name]['ms_p95']:7.1f} ms  "
              f"{results[name]['queries']} queries")
    print(json.dumps({"database": connection.vendor, **counts, "refresh_s": refresh_s, "pages": results,
                      "today": str(timezone.localdate())}))


if __name__ == "__main__":
    main()
