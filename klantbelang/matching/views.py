from collections import Counter

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from klantbelang.products.permissions import can_match

from .batch import match_one
from .forms import MatchProfileForm
from .shelf import catalogue_for

SHOWN = 25


def match(request):
    """Match a profile against the firm's shelf: ranked products with the verdict per axis, and
    why the excluded products were excluded."""
    if not can_match(user=request.user):
        raise PermissionDenied
    form = MatchProfileForm(request.GET if "client_type" in request.GET else None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        catalogue = catalogue_for(firm=request.firm, category=form.cleaned_data.get("category") or None)
        results = match_one(form.cleaned_data["profile"], catalogue)
        eligible = [entry for entry in results if entry["eligible"]]
        excluded = [entry for entry in results if not entry["eligible"]]
        text = "text_nl" if (get_language() or "nl").startswith("nl") else "text_en"
        why = Counter()
        example = {}
        for entry in excluded:
            for reason in entry["reasons"]:
                if entry["axes"][reason["axis"]] == "fail":
                    why[reason["code"]] += 1
                    example.setdefault(reason["code"], reason[text])
        context.update(
            shelf_size=catalogue.size, eligible_count=len(eligible), excluded_count=len(excluded), text=text,
            shown=[_row(entry, text) for entry in eligible[:SHOWN]],
            excluded_examples=[_row(entry, text) for entry in excluded[:10]],
            why=[(code, count, example[code]) for code, count in why.most_common()],
            axes=list(results[0]["axes"]) if results else [],
        )
    template = "matching/match.html#results" if request.htmx else "matching/match.html"
    return TemplateResponse(request, template, context)


def _row(entry: dict, text: str) -> dict:
    """An entry with one cell per axis: its verdict and, when it did not pass, the reason."""
    reasons = {reason["axis"]: reason[text] for reason in entry["reasons"]}
    return {**entry, "cells": [(axis, verdict, reasons.get(axis, "")) for axis, verdict in entry["axes"].items()]}
