"""The distributor report to a manufacturer: aggregates only, small groups suppressed.

Schema ``klantbelang.distributor-report/1`` (the JSON export; CSV and PDF show the same items):

    {"schema", "firm", "provider", "start", "end", "minimum_group",
     "products": [{"item", "code", "name", "category", "advised": n|null, "within_target": n|null,
                   "outside_target": n|null, "deviation_reasons": [text], "review_findings": n|null}],
     "signals": [{"item", "category", "source", "signals": n|null, "clients": n|null}],
     "unmet_needs": [{"item", "need_type", "segment", "clients": n|null}]}

Every count of clients below ``minimum_group`` (5) is null: a manufacturer never sees a group it
could recognise. A product's within/outside split is only shown when both halves are large
enough, so that one cannot be derived from the total and the other; totals across products are
not given for the same reason. A category of signals shows neither its number of signals nor
its clients when fewer than five clients are concerned (a complaint is one client). Deviation
reasons are the advisers' own words, shown only for products where at least five different
clients were advised outside the target market (five reasons about one household are one client),
one reason per client, with the names and client numbers of the clients concerned and every date,
postcode, e-mail address and long number replaced by "[…]".

A report covers a whole calendar quarter or a whole calendar year, and two reports to the same
provider never overlap (``services.create_report``): with nested periods a manufacturer could
subtract one report from another and uncover a group below five.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum

from . import privacy
from .models import MINIMUM_GROUP

SCHEMA = "klantbelang.distributor-report/1"


def _shown(count: int) -> int | None:
    return count if count >= MINIMUM_GROUP else None


def build(*, firm, provider, start: datetime.date, end: datetime.date) -> dict:
    from klantbelang.advice.models import Recommendation
    from klantbelang.products.models import Product

    from .models import BookReview, Finding, Signal, UnmetNeed

    products = list(Product.objects.filter(firm=firm, provider=provider).order_by("code"))
    advised = {row["product"]: row for row in Recommendation.objects.filter(
        product__in=products, case__versions__number=1, case__versions__released_at__date__gte=start,
        case__versions__released_at__date__lte=end).values("product").annotate(
        clients=Count("case__client", distinct=True),
        within=Count("case__client", distinct=True, filter=Q(eligible=True)),
        outside=Count("case__client", distinct=True, filter=Q(eligible=False)))}
    # One reason per client and product (its latest): a group is counted in clients, never in texts.
    by_client: dict = defaultdict(dict)
    for product_id, client_id, reason in Recommendation.objects.filter(
            product__in=products, eligible=False, case__versions__number=1,
            case__versions__released_at__date__gte=start, case__versions__released_at__date__lte=end).exclude(
            deviation_reason="").order_by("pk").values_list("product", "case__client", "deviation_reason"):
        by_client[product_id][client_id] = reason
    reasons: dict = defaultdict(list)
    for product_id, texts in by_client.items():
        if len(texts) >= MINIMUM_GROUP:
            names = privacy.client_names(set(texts))
            reasons[product_id] = [privacy.redact(text, names=names) for text in texts.values()]
    latest = BookReview.objects.filter(firm=firm, started_at__date__gte=start, started_at__date__lte=end).first()
    findings = dict(Finding.objects.filter(review=latest, product__in=products).values("product").annotate(
        clients=Count("client", distinct=True)).values_list("product", "clients")) if latest else {}
    product_items = []
    for product in products:
        row = advised.get(product.pk, {"clients": 0, "within": 0, "outside": 0})
        within, outside = _shown(row["within"]), _shown(row["outside"])
        if within is None or outside is None:
            within = outside = None  # one half and the total would give away the other
        product_items.append({
            "item": f"product:{product.code}", "code": product.code, "name": product.name,
            "category": product.category, "advised": _shown(row["clients"]), "within_target": within,
            "outside_target": outside,
            "deviation_reasons": sorted(reasons[product.pk]),
            "review_findings": _shown(findings.get(product.pk, 0))})
    signal_items = []
    for row in (Signal.objects.filter(firm=firm, product__in=products, created_at__date__gte=start,
                                      created_at__date__lte=end).exclude(status=Signal.Status.DISMISSED)
                .exclude(status=Signal.Status.MERGED).values("category", "source")
                .annotate(signals=Count("pk"), clients=Sum("clients")).order_by("category", "source")):
        shown = _shown(row["clients"] or 0)
        signal_items.append({"item": f"signal:{row['category']}:{row['source']}", "category": row["category"],
                             "source": row["source"], "signals": row["signals"] if shown is not None else None,
                             "clients": shown})
    needs = {need for product in products for need in (product.needs_served or [])}
    unmet_items = []
    if latest is not None:
        for row in UnmetNeed.objects.filter(review=latest, need_type__in=needs).order_by("need_type", "segment"):
            if row.clients >= MINIMUM_GROUP:
                unmet_items.append({"item": f"unmet:{row.need_type}:{row.segment}", "need_type": row.need_type,
                                    "segment": row.segment, "clients": row.clients})
    return {"schema": SCHEMA, "firm": firm.name, "provider": provider.name, "start": start.isoformat(),
            "end": end.isoformat(), "minimum_group": MINIMUM_GROUP, "products": product_items,
            "signals": signal_items, "unmet_needs": unmet_items}


def items(data: dict) -> list[tuple[str, str]]:
    """(item key, a line of text) for every item, for responses and the CSV."""
    out = []
    for product in data["products"]:
        out.append((product["item"], f"{product['code']} {product['name']}"))
    for signal in data["signals"]:
        out.append((signal["item"], f"{signal['category']} ({signal['source']})"))
    for need in data["unmet_needs"]:
        out.append((need["item"], f"{need['need_type']} / {need['segment']}"))
    return out
