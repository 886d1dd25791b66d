"""Turning match output into what a page shows: rows with a cell per axis, and a summary of why
products were excluded. Shared by the match page and the client's match per need."""

from collections import Counter


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
