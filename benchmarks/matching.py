"""Matching engine speed, measured side by side in one run (no database).

* reference: the per-pair engine (engine.evaluate) over a sample of clients × the 2,000-product
  demo shelf;
* batch: the vectorised engine (batch.evaluate_batch) over 20,000 clients × the same shelf;
  both alternate three times and the medians are compared;
* one client against 10,000 products with the full per-pair output (reasons and all), median of 21.

Prints a JSON object as its last line.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()  # only for the product vocabulary's translatable labels; the engine uses no Django

from klantbelang.matching import engine
from klantbelang.matching.batch import Catalogue, evaluate_batch, match_one
from klantbelang.matching.profile import parse_profile
from klantbelang.products.shelf_generator import generate_shelf

CLIENTS = 20_000
PRODUCTS = 2_000
REFERENCE_CLIENTS = 60
ROUNDS = 3


def client_profiles(count: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    profiles = []
    for _ in range(count):
        age = rng.randint(20, 80)
        risk = min(7, max(1, round(rng.gauss(3.5, 1.3))))
        profiles.append(parse_profile({
            "client_type": "professional" if rng.random() < 0.03 else "retail",
            "knowledge": rng.choices(["basic", "informed", "advanced"], weights=[5, 3, 1])[0],
            "ability_to_bear_loss": rng.choices(["none", "limited", "no_guarantee", "beyond_capital"],
                                                weights=[2, 4, 3, 0.3])[0],
            "loss_limit_pct": rng.choice([5, 10, 15, 20, 30]),
            "risk_tolerance": risk,
            "objectives": rng.sample(["preservation", "growth", "income"], rng.randint(1, 2)),
            "horizon_years": max(0, min(40, 67 - age + rng.randint(-5, 5))),
            "service": rng.choices(["advice", "portfolio_management", "execution_only"], weights=[8, 2, 1])[0],
            "sustainability": {"taxonomy_min_pct": rng.choice([0, 0, 0, 5, 10]),
                               "sfdr_sustainable_min_pct": rng.choice([0, 0, 20]), "pai": rng.random() < 0.25},
        }))
    return profiles


def main():
    shelf = [item.to_profile() for item in generate_shelf(size=PRODUCTS)]
    clients = client_profiles(CLIENTS)
    catalogue = Catalogue(shelf)
    reference_rates, batch_rates = [], []
    for round_number in range(ROUNDS):
        sample = clients[round_number * REFERENCE_CLIENTS:(round_number + 1) * REFERENCE_CLIENTS]
        start = time.perf_counter()
        for client in sample:
            for product in shelf:
                engine.evaluate(client, product)
        reference_rates.append(len(sample) * len(shelf) / (time.perf_counter() - start))
        start = time.perf_counter()
        result = evaluate_batch(clients, catalogue)
        batch_rates.append(len(clients) * len(shelf) / (time.perf_counter() - start))
        del result

    big_shelf = Catalogue([item.to_profile() for item in generate_shelf(seed=99, size=10_000)])
    one_client = []
    for client in clients[:21]:
        start = time.perf_counter()
        match_one(client, big_shelf)
        one_client.append(time.perf_counter() - start)

    reference, batch = statistics.median(reference_rates), statistics.median(batch_rates)
    print(json.dumps({
        "clients": CLIENTS, "products": PRODUCTS,
        "reference_pairs_per_s": round(reference),
        "batch_pairs_per_s": round(batch),
        "ratio": round(batch / reference, 1),
        "one_client_10k_products_ms_median": round(statistics.median(one_client) * 1000, 1),
    }))


if __name__ == "__main__":
    main()
