"""The book-wide target-market review: every client's current holdings, and every need, against
the shelf of today, with the vectorised engine.

*Holdings* are the products the firm advised that the client holds: per client and need, the
product of the most recent released advice. A holding is outside the target market when any of
the engine's axes fails for the client's current profile (exactly ``engine.evaluate``; a test
checks every pair). A need is *unmet* when no active product on the shelf is eligible for it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from klantbelang.clients.profile_data import to_match_profile
from klantbelang.matching import engine
from klantbelang.matching.batch import AXES, FAIL_CODE, Catalogue, iter_chunks
from klantbelang.matching.profile import ProfileError, parse_profile
from klantbelang.matching.shelf import catalogue_for

HELD_STATUSES = ("released", "implemented", "aftercare")
CHUNK = 2000
BATCH_FROM = 100  # holders of one product from which its holdings are checked as one batch


@dataclass
class Holding:
    client_id: int
    need_type: str
    product_id: int
    adviser_id: int


@dataclass
class Outcome:
    clients: int = 0
    holdings: int = 0
    needs_checked: int = 0
    outside: list = field(default_factory=list)  # (holding, failing axes)
    unmet: dict = field(default_factory=dict)  # (need, segment) -> set of client ids
    unmet_needs: dict = field(default_factory=dict)  # (need, segment) -> number of needs


def age_band(age: int | None) -> str:
    if age is None:
        return "age unknown"
    if age < 35:
        return "under 35"
    if age < 55:
        return "35-54"
    if age < 67:
        return "55-66"
    return "67 and over"


def current_holdings(firm) -> list[Holding]:
    from klantbelang.advice.models import Recommendation

    latest: dict = {}
    for client_id, need, product_id, released_at, lead in (
            Recommendation.objects.filter(case__firm=firm, product__isnull=False, case__status__in=HELD_STATUSES,
                                          case__versions__number=1)
            .values_list("case__client", "need_type", "product", "case__versions__released_at", "case__lead")
            .iterator(chunk_size=5000)):
        key = (client_id, need)
        if key not in latest or released_at > latest[key][0]:
            latest[key] = (released_at, Holding(client_id, need, product_id, lead))
    return [holding for _released, holding in sorted(latest.values(), key=lambda item: (
        item[1].client_id, item[1].need_type))]


def _profile(data: dict, need: str, today: datetime.date):
    try:
        return parse_profile(to_match_profile(data, need_type=need, today=today))
    except ProfileError:
        return None


def outside_holdings(pairs_by_product: dict) -> list:
    """(holding, failing axes) for every holding outside its product's target market:
    ``pairs_by_product`` maps a ProductProfile to its holders' (holding, ClientProfile) pairs.

    A holding meets one product, not a shelf, so the vectorised engine only pays off for a product
    with many holders (building its one-product catalogue costs about as much as 100 pairs);
    products with fewer holders go through the per-pair engine, which gives the same verdicts
    (benchmarks/book_review.py measures both)."""
    outside = []
    for product, pairs in pairs_by_product.items():
        if not pairs:
            continue
        if len(pairs) < BATCH_FROM:
            for holding, profile in pairs:
                verdicts = engine.evaluate(profile, product).verdicts
                failing = [axis for axis in AXES if verdicts.get(axis) == "fail"]
                if failing:
                    outside.append((holding, failing))
            continue
        catalogue = Catalogue([product])
        for lo, verdicts, _scores in iter_chunks([profile for _holding, profile in pairs], catalogue,
                                                 chunk_size=CHUNK):
            failing_rows = verdicts[:, :, 0] == FAIL_CODE
            for offset in np.flatnonzero(failing_rows.any(axis=0)).tolist():
                axes = [AXES[index] for index in np.flatnonzero(failing_rows[:, offset]).tolist()]
                outside.append((pairs[lo + offset][0], axes))
    return outside


def run(firm, *, today: datetime.date, progress=None) -> Outcome:
    from klantbelang.clients.models import Client
    from klantbelang.products.models import Product

    outcome = Outcome()
    profiles = {client_id: (data, needs) for client_id, data, needs in Client.objects.filter(
        firm=firm, current_profile__isnull=False).values_list("pk", "current_profile__data",
                                                              "current_profile__needs").iterator(chunk_size=2000)}
    outcome.clients = len(profiles)
    holdings = [holding for holding in current_holdings(firm) if holding.client_id in profiles]
    steps = 2
    if progress:
        progress(0, steps, "")
    # 1. Holdings: each against its own product only, the holders of one product in one batch.
    held_ids = sorted({holding.product_id for holding in holdings})
    by_product: dict = defaultdict(list)
    for holding in holdings:
        data, _needs = profiles[holding.client_id]
        profile = _profile(data, holding.need_type, today)
        if profile is not None:
            by_product[holding.product_id].append((holding, profile))
    outcome.holdings = sum(len(pairs) for pairs in by_product.values())
    products = list(Product.objects.filter(pk__in=held_ids).order_by("pk"))
    outcome.outside = outside_holdings({product.to_profile(): by_product.get(product.pk, []) for product in products})
    if progress:
        progress(1, steps, "")
    # 2. Every need of every client against the active shelf.
    shelf = catalogue_for(firm=firm)
    asked = []
    for client_id, (data, needs) in profiles.items():
        for need in needs or []:
            profile = _profile(data, need["type"], today)
            if profile is not None:
                asked.append((client_id, need["type"], age_band(profile.age), profile))
    outcome.needs_checked = len(asked)
    if shelf.size:
        unmet_clients: dict = defaultdict(set)
        unmet_needs: dict = defaultdict(int)
        for lo, verdicts, _scores in iter_chunks([item[3] for item in asked], shelf, chunk_size=CHUNK):
            eligible_any = (~(verdicts == FAIL_CODE).any(axis=0)).any(axis=1)
            for offset in np.flatnonzero(~eligible_any).tolist():
                client_id, need, segment = asked[lo + offset][:3]
                unmet_clients[(need, segment)].add(client_id)
                unmet_needs[(need, segment)] += 1
        outcome.unmet, outcome.unmet_needs = dict(unmet_clients), dict(unmet_needs)
    if progress:
        progress(2, steps, "")
    return outcome
