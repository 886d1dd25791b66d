"""Signals of quota-like pressure, per adviser or team, each with its evidence against peers.

Nobody is ranked on revenue: every signal compares a way of advising (timing, concentration,
deviations, replacements, volume against findings) with the rest of the firm, and links to the
files behind it. Pure functions over summed figures; tested with cases that must and must not
trigger.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MIN_RELEASES = 8
MIN_RECOMMENDATIONS = 10


@dataclass
class Signal:
    kind: str
    group: object
    title: str
    evidence: str
    files: dict = field(default_factory=dict)  # the filter that lists the files behind it


def _ratio(pair) -> float | None:
    numerator, denominator = pair
    return numerator / denominator if denominator else None


def _peers(sums: dict, group, metric: str) -> tuple[float, float]:
    numerator = sum(values.get(metric, (0, 0))[0] for key, values in sums.items() if key != group)
    denominator = sum(values.get(metric, (0, 0))[1] for key, values in sums.items() if key != group)
    return numerator, denominator


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def period_end_spikes(sums: dict) -> list[Signal]:
    out = []
    for group, values in sums.items():
        ends, releases = values.get("releases_period_end", (0, 0))
        if releases < MIN_RELEASES:
            continue
        share = ends / releases
        peers = _ratio(_peers(sums, group, "releases_period_end")) or 0.0
        if share >= max(0.3, 2 * peers):
            out.append(Signal("period_end", group, _("Releases bunch up at the end of the month"), _(
                "%(ends)s of %(releases)s released advice files (%(share)s) in the last three days of a month; "
                "the others: %(peers)s.") % {"ends": int(ends), "releases": int(releases), "share": _pct(share),
                                             "peers": _pct(peers)}, {"period_end": "1"}))
    return out


def deviation_rates(sums: dict) -> list[Signal]:
    out = []
    for group, values in sums.items():
        eligible, with_product = values.get("within_target_market", (0, 0))
        if with_product < MIN_RECOMMENDATIONS:
            continue
        rate = 1 - eligible / with_product
        peer_eligible, peer_total = _peers(sums, group, "within_target_market")
        peers = 1 - peer_eligible / peer_total if peer_total else 0.0
        if rate >= 2 * peers and rate - peers >= 0.1:
            out.append(Signal("deviations", group, _("Deviations from the target market far above peers"), _(
                "%(rate)s of %(count)s recommended products outside the target market or the engine's "
                "selection; the others: %(peers)s.") % {"rate": _pct(rate), "count": int(with_product),
                                                       "peers": _pct(peers)}, {"deviation": "1"}))
    return out


def replacements(sums: dict) -> list[Signal]:
    out = []
    for group, values in sums.items():
        count, total = values.get("replacements", (0, 0))
        if count < 3 or not total:
            continue
        share = count / total
        peers = _ratio(_peers(sums, group, "replacements")) or 0.0
        if share >= 0.2 and share >= 2 * peers:
            out.append(Signal("replacements", group, _("Products replaced within 24 months"), _(
                "%(count)s of %(total)s recommended products (%(share)s) replace a product the same client got for "
                "the same need less than 24 months before; the others: %(peers)s.") % {
                "count": int(count), "total": int(total), "share": _pct(share), "peers": _pct(peers)},
                {"replacement": "1"}))
    return out


def volume_against_findings(halves: dict) -> list[Signal]:
    """``halves[group][metric]`` = ((numerator, denominator) first half, (…) second half)."""
    out = []
    for group, values in halves.items():
        (first_releases, _d1), (second_releases, _d2) = values.get("releases", ((0, 0), (0, 0)))
        first_findings = _ratio(values.get("review_findings", ((0, 0), (0, 0)))[0])
        second_findings = _ratio(values.get("review_findings", ((0, 0), (0, 0)))[1])
        if second_releases < 5 or not first_releases or first_findings is None or second_findings is None:
            continue
        growth = second_releases / first_releases - 1
        if growth >= 0.3 and second_findings - first_findings >= 0.1:
            out.append(Signal("volume_findings", group, _("More advice, and more review findings"), _(
                "Released advice rose %(growth)s from the first to the second half of the period (%(first)s → "
                "%(second)s) while reviews with findings rose from %(before)s to %(after)s.") % {
                "growth": _pct(growth), "first": int(first_releases), "second": int(second_releases),
                "before": _pct(first_findings), "after": _pct(second_findings)}, {"findings": "1"}))
    return out


def herfindahl(shares) -> float:
    return sum(share * share for share in shares)


def concentration(mix: dict, provider_names: dict) -> list[Signal]:
    """``mix[group][need][provider]`` = count. A group's provider concentration against what the
    others' distribution for the same needs would give (Herfindahl-Hirschman index)."""
    out = []
    everyone: dict = defaultdict(lambda: defaultdict(int))
    for needs in mix.values():
        for need, providers in needs.items():
            for provider, count in providers.items():
                everyone[need][provider] += count
    for group, needs in mix.items():
        others: dict = {}
        for need, providers in needs.items():
            counts = {provider: count - providers.get(provider, 0) for provider, count in everyone[need].items()}
            counts = {provider: count for provider, count in counts.items() if count}
            if counts:
                others[need] = counts
        # Only needs the others advise on too can be compared.
        total = sum(sum(needs[need].values()) for need in others)
        if total < MIN_RECOMMENDATIONS:
            continue
        own: dict = defaultdict(float)
        expected: dict = defaultdict(float)
        for need, counts in others.items():
            weight = sum(needs[need].values()) / total
            for provider, count in needs[need].items():
                own[provider] += count / total
            others_total = sum(counts.values())
            for provider, count in counts.items():
                expected[provider] += weight * count / others_total
        if not expected:
            continue
        index, baseline = herfindahl(own.values()), herfindahl(expected.values())
        if index >= 0.25 and index >= 2 * baseline:
            top = max(own, key=own.get)
            out.append(Signal("concentration", group, _("Recommendations concentrated on one provider"), _(
                "%(share)s of %(total)s recommended products come from %(provider)s, where the others' choices "
                "for the same needs would give %(expected)s (concentration index %(index).2f against "
                "%(baseline).2f).") % {"share": _pct(own[top]), "total": total,
                                       "provider": provider_names.get(top, top), "expected": _pct(expected[top]),
                                       "index": index, "baseline": baseline}, {"provider": str(top)}))
    return out
