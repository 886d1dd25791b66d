"""The Django side of matching: a firm's shelf as an engine Catalogue, cached per process.

The engine modules (engine, batch, profile, product, reasons, vocabulary) import no Django; this
module feeds them. A catalogue is rebuilt when the shelf changes: the cache key is the number of
products and the latest ``updated_at``, read with one aggregate query.
"""

import threading

from django.db.models import Count, Max

from klantbelang.products.models import Product

from .batch import Catalogue

_lock = threading.Lock()
_cache: dict[tuple, tuple] = {}


def shelf_queryset(products):
    return products.select_related(None).only(
        "code", "name", "target_market", "loss_level_pct", "sri", "min_horizon_years", "taxonomy_pct",
        "sustainable_pct", "pai_considered", "needs_served", "min_entry_age", "max_entry_age", "ongoing_cost_pct",
    ).order_by("code")


def catalogue_for(*, firm, products=None, category: str | None = None, include_closed: bool = False) -> Catalogue:
    """The firm's (active) products as a Catalogue; ``products`` narrows to a filtered queryset."""
    if products is not None:
        return Catalogue([product.to_profile() for product in shelf_queryset(products)])
    base = Product.objects.filter(firm=firm)
    if not include_closed:
        base = base.filter(status=Product.Status.ACTIVE)
    if category:
        base = base.filter(category=category)
    state = base.aggregate(count=Count("pk"), latest=Max("updated_at"))
    key = (firm.pk, category, include_closed)
    with _lock:
        cached = _cache.get(key)
    if cached and cached[0] == (state["count"], state["latest"]):
        return cached[1]
    catalogue = Catalogue([product.to_profile() for product in shelf_queryset(base)])
    with _lock:
        _cache[key] = ((state["count"], state["latest"]), catalogue)
    return catalogue
