"""Book-wide target-market review at scale.

100,000 generated households (profiles from the household generator, their needs from the needs
rules), each holding one or two products of a 2,000-product shelf from released advice. Measures:

* the whole review (holdings against the held products, every need against the shelf, findings,
  follow-up reviews and signals stored), once;
* the batch engine against the per-pair reference (``engine.evaluate``) on the same 2,000
  holdings, side by side in one run (ratio, medians of 3).

Set DATABASE_URL for PostgreSQL. Prints a JSON object as its last line.
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

from klantbelang.accounts.models import Membership, User
from klantbelang.advice.models import AdviceCase, AdviceVersion, Recommendation
from klantbelang.clients.household_generator import household
from klantbelang.clients.models import Client, NeedsProfile
from bulk_needs import analyse
from klantbelang.clients.profile_data import empty_profile, merge, to_match_profile
from klantbelang.core.models import Firm
from klantbelang.governance import review, services
from klantbelang.matching import engine
from klantbelang.matching.batch import FAIL_CODE, iter_chunks
from klantbelang.matching.profile import parse_profile
from klantbelang.matching.shelf import catalogue_for
from klantbelang.products.models import Product
from klantbelang.products.services import import_products
from klantbelang.products.shelf_generator import generate_shelf

CLIENTS = int(os.environ.get("BENCH_CLIENTS", 100_000))
TODAY = datetime.date(2026, 11, 26)
NEED_CATEGORIES = {"goal_funding": "investment_fund", "wealth_building": "investment_fund",
                   "pension_gap": "pension_annuity", "death_cover": "term_life", "home_cover": "home",
                   "income_protection": "income_protection", "emergency_buffer": "savings"}


def generate():
    firm, _ = Firm.objects.get_or_create(slug="bench-review", defaults={"name": "Bench Boekcontrole"})
    adviser = User.objects.filter(email="adviser@bench-review.nl").first() or User.objects.create_user(
        email="adviser@bench-review.nl", password="x", full_name="Bench Adviser")
    Membership.objects.get_or_create(user=adviser, firm=firm, role="adviser")
    if Client.objects.filter(firm=firm).exists():
        return firm
    import_products(firm=firm, products=generate_shelf(seed=20261126, size=2000), by=None, source="csv")
    by_category: dict = {}
    for pk, category in Product.objects.filter(firm=firm).values_list("pk", "category"):
        by_category.setdefault(category, []).append(pk)
    rng = random.Random(5)
    started = time.perf_counter()
    for offset in range(0, CLIENTS, 5000):
        size = min(5000, CLIENTS - offset)
        clients = Client.objects.bulk_create([Client(firm=firm, reference=f"R{offset + index:07d}",
                                                     name=f"Huishouden {offset + index}", responsible_adviser=adviser)
                                              for index in range(size)])
        profiles = []
        for number, client in enumerate(clients, start=offset):
            _name, persons, data = household(rng, TODAY, number)
            data["household"] = [{"role": person["role"], "employment": person.get("employment"),
                                  "date_of_birth": person["date_of_birth"].isoformat()} for person in persons]
            data = merge(empty_profile(), data)
            profiles.append(NeedsProfile(client=client, version=1, data=data, needs=analyse(data, TODAY),
                                         source="adviser"))
        NeedsProfile.objects.bulk_create(profiles)
        for client, profile in zip(clients, profiles, strict=True):
            client.current_profile = profile
        Client.objects.bulk_update(clients, ["current_profile"])
        cases = AdviceCase.objects.bulk_create([
            AdviceCase(firm=firm, client=client, title="Advies", reason="other", domains=["investment"],
                       profile=profile, status="aftercare", lead=adviser)
            for client, profile in zip(clients, profiles, strict=True)])
        AdviceVersion.objects.bulk_create([AdviceVersion(case=case, number=1, snapshot={}, released_by=adviser)
                                           for case in cases])
        recommendations = []
        for case in cases:
            for need in rng.sample(sorted(NEED_CATEGORIES), rng.choice([1, 2, 2])):
                recommendations.append(Recommendation(case=case, need_type=need, rationale="Past.",
                                                      product_id=rng.choice(by_category[NEED_CATEGORIES[need]])))
        Recommendation.objects.bulk_create(recommendations, batch_size=5000)
        print(f"  {offset + size:,} clients ({time.perf_counter() - started:.0f} s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return firm


def interleaved(batch, per_pair, runs=3):
    """Both ways on the same input, alternately; medians in ms and the same answer from both."""
    batch_times, pair_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        batch_answer = batch()
        batch_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        pair_answer = per_pair()
        pair_times.append(time.perf_counter() - started)
    assert batch_answer == pair_answer
    batch_ms, pair_ms = statistics.median(batch_times) * 1000, statistics.median(pair_times) * 1000
    return batch_answer, round(batch_ms, 1), round(pair_ms, 1), pair_ms / batch_ms


def side_by_side(firm, count=2000):
    """The batch engine and the per-pair reference on the same holdings."""
    holdings = review.current_holdings(firm)[:count]
    data = dict(Client.objects.filter(pk__in={holding.client_id for holding in holdings}).values_list(
        "pk", "current_profile__data"))
    products = {product.pk: product.to_profile() for product in Product.objects.filter(
        pk__in={holding.product_id for holding in holdings})}
    pairs = [(parse_profile(to_match_profile(data[holding.client_id], need_type=holding.need_type, today=TODAY)),
              holding.product_id) for holding in holdings]
    grouped: dict = {}
    for (profile, pk), holding in zip(pairs, holdings, strict=True):
        grouped.setdefault(products[pk], []).append((holding, profile))

    def batch():
        return len(review.outside_holdings(grouped))

    def per_pair():
        return sum(not engine.evaluate(profile, products[pk]).eligible for profile, pk in pairs)

    outside, batch_ms, pair_ms, ratio = interleaved(batch, per_pair)
    return {"holdings_compared": len(pairs), "outside_compared": outside, "holdings_batch_ms_median": batch_ms,
            "holdings_per_pair_ms_median": pair_ms, "holdings_ratio": round(ratio, 2)}


def needs_side_by_side(firm, count=200):
    """Unmet needs: each need against the whole active shelf, batch against per pair."""
    shelf = catalogue_for(firm=firm)
    asked = []
    for data, needs in Client.objects.filter(firm=firm).order_by("pk").values_list(
            "current_profile__data", "current_profile__needs")[:count]:
        for need in needs:
            asked.append(parse_profile(to_match_profile(data, need_type=need["type"], today=TODAY)))
    asked = asked[:count]

    def batch():
        unmet = 0
        for _lo, verdicts, _scores in iter_chunks(asked, shelf, chunk_size=2000):
            unmet += int((~(~(verdicts == FAIL_CODE).any(axis=0)).any(axis=1)).sum())
        return unmet

    def per_pair():
        return sum(not any(engine.evaluate(profile, product).eligible for product in shelf.products)
                   for profile in asked)

    unmet, batch_ms, pair_ms, ratio = interleaved(batch, per_pair)
    return {"needs_compared": len(asked), "shelf": shelf.size, "unmet_compared": unmet,
            "needs_batch_ms_median": batch_ms, "needs_per_pair_ms_median": pair_ms, "needs_ratio": round(ratio, 1)}


def main():
    firm = generate()
    compared = {**side_by_side(firm), **needs_side_by_side(firm)}
    print(f"holdings, batch per product vs per pair on {compared['holdings_compared']}: "
          f"{compared['holdings_batch_ms_median']} ms vs {compared['holdings_per_pair_ms_median']} ms "
          f"({compared['holdings_ratio']}x), same {compared['outside_compared']} outside")
    print(f"needs against the shelf of {compared['shelf']}, batch vs per pair on {compared['needs_compared']}: "
          f"{compared['needs_batch_ms_median']} ms vs {compared['needs_per_pair_ms_median']} ms "
          f"({compared['needs_ratio']}x), same {compared['unmet_compared']} unmet")
    started = time.perf_counter()
    stored = services.book_review(firm=firm, by=None, today=TODAY)
    seconds = round(time.perf_counter() - started, 1)
    print(f"book review: {stored.clients:,} clients, {stored.holdings:,} holdings, {stored.outside:,} outside, "
          f"{stored.needs_checked:,} needs checked, {stored.unmet:,} unmet, {seconds} s")
    print(json.dumps({"database": connection.vendor, "clients": stored.clients, "holdings": stored.holdings,
                      "outside": stored.outside, "needs_checked": stored.needs_checked, "unmet": stored.unmet,
                      "review_s": seconds, **compared}))


if __name__ == "__main__":
    main()
