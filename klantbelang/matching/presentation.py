"""Turning match output into what a page shows: rows with a cell per axis, the product's own
page and costs, and a summary of why products were excluded. Shared by the match page, the
client's match per need and the advice file's match per need."""

from collections import Counter

from django.utils.translation import gettext_lazy as _

from klantbelang.products.models import Product

# What each axis of the engine checks, as a column heading (the codes are DESIGN.md's).
AXIS_LABELS = {
    "client_type": _("Client type"), "knowledge": _("Knowledge and experience"), "loss": _("Capacity for loss"),
    "risk": _("Risk tolerance"), "objectives": _("Objectives"), "horizon": _("Horizon"),
    "service": _("Distribution"), "sustainability": _("Sustainability"), "need": _("Need"),
    "entry_age": _("Entry age"),
}


def axis_columns(entries: list[dict]) -> list[tuple[str, str]]:
    """(code, label) of the axes the entries were judged on, in the engine's order."""
    return [(axis, str(AXIS_LABELS.get(axis, axis))) for axis in (entries[0]["axes"] if entries else {})]


def with_products(entries: list[dict], *, user) -> list[dict]:
    """The entries with what a person choosing needs next to the verdicts: the product's page
    (its id), provider and yearly ongoing costs, read for the shown entries only."""
    found = {product.code: product for product in Product.objects.visible_to(user)
             .filter(code__in=[entry["code"] for entry in entries]).select_related("provider")
             .only("pk", "code", "ongoing_cost_pct", "provider__name")}
    out = []
    for entry in entries:
        product = found.get(entry["code"])
        out.append({**entry, "pk": product.pk if product else None,
                    "provider": product.provider.name if product else "",
                    "ongoing_cost_pct": product.ongoing_cost_pct if product else None})
    return out


def rows(entries: list[dict], text: str) -> list[dict]:
    """Entries with one cell per axis: its verdict and, when it did not pass, the reason."""
    result = []
    for entry in entries:
        reasons = {reason["axis"]: reason[text] for reason in entry["reasons"]}
        result.append({**entry, "cells": [(axis, verdict, reasons.get(axis, ""))
                                          for axis, verdict in entry["axes"].items()]})
    return result


def exclusion_summary(entries: list[dict], text: str) -> list[tuple[str, int, str]]:
    """(reason code, number of excluded products, an example sentence), most frequent first;
    only the reasons of failing axes count, since those are what excluded the product."""
    counts: Counter = Counter()
    example: dict[str, str] = {}
    for entry in entries:
        if entry["eligible"]:
            continue
        for reason in entry["reasons"]:
            if entry["axes"][reason["axis"]] == "fail":
                counts[reason["code"]] += 1
                example.setdefault(reason["code"], reason[text])
    return [(code, count, example[code]) for code, count in counts.most_common()]
