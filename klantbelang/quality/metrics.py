"""Every figure of the dashboard: what it counts, per adviser and month, from the source tables.

A metric yields rows (adviser id, first day of the month, numerator, denominator); its value for
any period, team or the firm is sum(numerator) / sum(denominator). Flow metrics are attributed to
the month in which the thing happened (a release, a review, a due date); stock metrics (inventory,
overdue obligations) are a snapshot of the month in which the refresh ran, so their trend builds
up month by month.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Module

PERIOD_END_DAYS = 3  # the last three days of a month count as "period end"
REPLACEMENT_WINDOW_DAYS = 730


@dataclass(frozen=True)
class Metric:
    slug: str
    module: str
    label: str
    kind: str  # "share" (shown as %), "mean" (a value), "per100" (per 100), "count"
    better: str = "up"  # "up", "down" or "" (neither: context)


METRICS = [
    Metric("complete_profiles", Module.INVENTORY, _("Clients with a complete profile for their domains"), "share"),
    Metric("fresh_profiles", Module.INVENTORY, _("Profiles confirmed or updated within a year"), "share"),
    Metric("open_contradictions", Module.INVENTORY, _("Profiles with open contradictions"), "share", "down"),
    Metric("within_target_market", Module.ADVICE_FIT, _("Recommended products within the target market"), "share"),
    Metric("deviations_with_reason", Module.ADVICE_FIT, _("Deviations with a recorded reason"), "share"),
    Metric("no_product_advice", Module.ADVICE_FIT, _("Needs advised “no product”"), "share", ""),
    Metric("reviewed", Module.FOUR_EYES, _("Released advice that was reviewed"), "share"),
    Metric("first_time_right", Module.FOUR_EYES, _("Reviewed advice approved at the first review"), "share"),
    Metric("review_turnaround_hours", Module.FOUR_EYES, _("Review turnaround (hours)"), "mean", "down"),
    Metric("review_findings", Module.FOUR_EYES, _("Reviews with findings"), "share", "down"),
    Metric("reviews_delivered", Module.AFTERCARE, _("Periodic reviews delivered"), "share"),
    Metric("reviews_declined", Module.AFTERCARE, _("Periodic reviews declined by the client"), "share", ""),
    Metric("reviews_not_attempted", Module.AFTERCARE, _("Periodic reviews not attempted"), "share", "down"),
    Metric("obligations_overdue", Module.AFTERCARE, _("Obligations overdue"), "share", "down"),
    Metric("satisfaction", Module.CLIENT_VOICE, _("Satisfaction (1–5)"), "mean"),
    Metric("would_recommend", Module.CLIENT_VOICE, _("Would recommend (0–10)"), "mean"),
    Metric("complaints_per_100", Module.CLIENT_VOICE, _("Complaints per 100 released advice files"), "per100",
           "down"),
    Metric("complaints_within_norm", Module.CLIENT_VOICE, _("Complaints resolved within the norm"), "share"),
    Metric("fee_statements", Module.FEES, _("Released advice with a fee statement"), "share"),
    Metric("fee_estimate_gap", Module.FEES, _("Difference between estimated and actual hours"), "share", "down"),
    Metric("prospect_hours_lost", Module.PROSPECT_TIME,
           _("Adviser hours on prospects that did not become lasting clients"), "share", "down"),
    Metric("report_items_answered", Module.GOVERNANCE, _("Items of sent distributor reports that the maker answered"),
           "share"),
    Metric("signals_answered", Module.GOVERNANCE, _("Signals shared with the maker that it answered"), "share"),
    # Context for the pressure signals (never shown as a goal).
    Metric("releases", "", _("Released advice files"), "count", ""),
    Metric("releases_period_end", "", _("Released in the last days of a month"), "share", ""),
    Metric("replacements", "", _("Products replaced within 24 months"), "share", "down"),
]
BY_SLUG = {metric.slug: metric for metric in METRICS}
# Snapshots of "now" rather than flows: a period shows its latest month, never a sum of months.
STOCK = frozenset({"complete_profiles", "fresh_profiles", "open_contradictions", "obligations_overdue"})

# Breakdown metrics carry a key after a colon: "finding:<checklist item>", "root_cause:<code>".
BREAKDOWNS = {"finding": Module.FOUR_EYES, "root_cause": Module.CLIENT_VOICE}


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def at_period_end(moment: datetime.datetime) -> bool:
    """Within the last PERIOD_END_DAYS days of its month."""
    day = timezone.localdate(moment)
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (next_month - day).days <= PERIOD_END_DAYS


def released_q(start, end, prefix: str = "") -> Q:
    """Advice first released between start and end (a join on version 1, no subquery)."""
    return Q(**{f"{prefix}versions__number": 1, f"{prefix}versions__released_at__date__gte": start,
                f"{prefix}versions__released_at__date__lte": end})


def released_cases(firm, start, end):
    """Advice cases first released between start and end, with the release moment and the lead."""
    from klantbelang.advice.models import AdviceCase

    return (AdviceCase.objects.filter(released_q(start, end), firm=firm)
            .annotate(released_at=F("versions__released_at")))


def compute(firm, *, start: datetime.date, end: datetime.date, today: datetime.date):
    """Every metric's rows for months start..end (stock metrics for ``today``'s month only)."""
    from klantbelang.advice.models import Recommendation, Review, TimeEntry
    from klantbelang.clients.models import Client
    from klantbelang.prospects.models import ProspectTime, classify
    from klantbelang.relationships.models import Complaint, Obligation, PeriodicReview, Survey

    out: dict[str, list] = defaultdict(list)
    this_month = today.replace(day=1)

    # Inventory (stock, this month): complete for the domains the client's agreement covers (all
    # domains while there is no confirmed agreement), confirmed or updated within a year, no open
    # contradictions.
    from klantbelang.clients.models import DOMAIN_BITS, domain_mask
    from klantbelang.relationships.models import ServiceAgreement

    agreed = {client_id: domain_mask(domains) for client_id, domains in ServiceAgreement.objects.filter(
        firm=firm, status="confirmed").values_list("client", "domains").iterator(chunk_size=5000)}
    every_domain = sum(DOMAIN_BITS.values())
    fresh_since = today - datetime.timedelta(days=365)
    stock: dict = defaultdict(lambda: [0, 0, 0, 0])
    for client_id, adviser, mask, created_at, contradictions in (
            Client.objects.filter(firm=firm).values_list("pk", "responsible_adviser", "missing_mask",
                                                         "current_profile__created_at",
                                                         "current_profile__contradictions")
            .iterator(chunk_size=5000)):
        cell = stock[adviser]
        cell[0] += 1
        cell[1] += not (mask & agreed.get(client_id, every_domain))
        cell[2] += created_at is not None and timezone.localdate(created_at) >= fresh_since
        cell[3] += bool(contradictions)
    for adviser, (total, complete, fresh, contradicted) in stock.items():
        out["complete_profiles"].append((adviser, this_month, complete, total))
        out["fresh_profiles"].append((adviser, this_month, fresh, total))
        out["open_contradictions"].append((adviser, this_month, contradicted, total))

    released = released_cases(firm, start, end)
    in_period = released_q(start, end, "case__")
    cases = {case_id: (lead, _month(released_at), released_at, domains) for case_id, lead, released_at, domains
             in released.values_list("pk", "lead", "released_at", "domains").iterator(chunk_size=5000)}

    # Advice fit, by the month of release: one aggregate row per released case.
    fit: dict = defaultdict(lambda: defaultdict(float))
    for row in (Recommendation.objects.filter(in_period, case__firm=firm).values("case")
                .annotate(n_with_product=Count("pk", filter=Q(product__isnull=False)),
                          n_eligible=Count("pk", filter=Q(product__isnull=False, eligible=True)),
                          n_deviations=Count("pk", filter=Q(product__isnull=False, eligible=False)),
                          n_reasoned=Count("pk", filter=Q(product__isnull=False, eligible=False)
                                           & ~Q(deviation_reason="")),
                          n_no_product=Count("pk", filter=Q(no_product=True)), n_total=Count("pk"))
                .iterator(chunk_size=5000)):
        lead, month, _released_at, _domains = cases[row["case"]]
        cell = fit[(lead, month)]
        for name in ("with_product", "eligible", "deviations", "reasoned", "no_product", "total"):
            cell[name] += row[f"n_{name}"]
    for (lead, month), cell in fit.items():
        out["within_target_market"].append((lead, month, cell["eligible"], cell["with_product"]))
        out["deviations_with_reason"].append((lead, month, cell["reasoned"], cell["deviations"]))
        out["no_product_advice"].append((lead, month, cell["no_product"], cell["total"]))

    # Releases, period ends, fee statements, hours against the estimate and reviews, per released case.
    minutes = dict(TimeEntry.objects.filter(in_period, case__firm=firm).values("case").annotate(
        total=Sum("minutes")).values_list("case", "total"))
    reviewed = set(Review.objects.filter(in_period, case__firm=firm).values_list("case", flat=True).distinct())
    first_approved = _first_approved(Review.objects.filter(in_period, case__firm=firm))
    cells: dict = defaultdict(lambda: defaultdict(float))
    for case_id, (lead, month, released_at, domains) in cases.items():
        cell = cells[(lead, month)]
        cell["releases"] += 1
        cell["period_end"] += at_period_end(released_at)
        estimated = 4 * max(1, len(domains or []))
        actual = (minutes.get(case_id) or 0) / 60
        cell["fee"] += 1  # every released file carries its fee statement (advice.services.snapshot)
        cell["fee_gap"] += min(1.0, abs(actual - estimated) / estimated)
        cell["reviewed"] += case_id in reviewed
        cell["first_time_right"] += case_id in first_approved
    for (lead, month), cell in cells.items():
        out["releases"].append((lead, month, cell["releases"], 1))
        out["releases_period_end"].append((lead, month, cell["period_end"], cell["releases"]))
        out["fee_statements"].append((lead, month, cell["fee"], cell["releases"]))
        out["fee_estimate_gap"].append((lead, month, cell["fee_gap"], cell["releases"]))
        out["reviewed"].append((lead, month, cell["reviewed"], cell["releases"]))
        out["first_time_right"].append((lead, month, cell["first_time_right"], cell["reviewed"]))

    # Four-eyes turnaround and findings, by the month of the review.
    findings: dict = defaultdict(lambda: defaultdict(float))
    for author, created_at, submitted_at, outcome, checklist in Review.objects.filter(
            case__firm=firm, created_at__date__gte=start, created_at__date__lte=end).values_list(
            "author", "created_at", "submitted_at", "outcome", "checklist"):
        cell = findings[(author, _month(created_at))]
        cell["count"] += 1
        cell["hours"] += max(0.0, (created_at - submitted_at).total_seconds() / 3600)
        if outcome != "approved":
            cell["with_findings"] += 1
            for item, answer in (checklist or {}).items():
                if not (answer or {}).get("ok"):
                    cell[f"finding:{item}"] += 1
    for (author, month), cell in findings.items():
        out["review_turnaround_hours"].append((author, month, cell["hours"], cell["count"]))
        out["review_findings"].append((author, month, cell["with_findings"], cell["count"]))
        for key, value in cell.items():
            if key.startswith("finding:"):
                out[key].append((author, month, value, cell["count"]))

    # Aftercare: periodic reviews by due month (only what is due by today), overdue obligations now.
    due = (PeriodicReview.objects.filter(firm=firm, due_on__gte=start, due_on__lte=min(end, today))
           .annotate(month=TruncMonth("due_on"), adviser=F("client__responsible_adviser")).values("adviser", "month")
           .annotate(total=Count("pk"), delivered=Count("pk", filter=Q(status="delivered")),
                     declined=Count("pk", filter=Q(status="declined")),
                     not_attempted=Count("pk", filter=Q(status="not_attempted"))))
    for row in due:
        for status, slug in (("delivered", "reviews_delivered"), ("declined", "reviews_declined"),
                             ("not_attempted", "reviews_not_attempted")):
            out[slug].append((row["adviser"], _month(row["month"]), row[status], row["total"]))
    obligations = (Obligation.objects.filter(firm=firm, due_on__lte=today).values("client__responsible_adviser")
                   .annotate(total=Count("pk"),
                             overdue=Count("pk", filter=Q(fulfilled_at__isnull=True, due_on__lt=today))))
    for row in obligations:
        out["obligations_overdue"].append((row["client__responsible_adviser"], this_month, row["overdue"],
                                           row["total"]))

    # Client voice.
    surveys = (Survey.objects.filter(firm=firm, answered_at__date__gte=start, answered_at__date__lte=end)
               .annotate(month=TruncMonth("answered_at"), adviser=F("client__responsible_adviser"))
               .values("adviser", "month").annotate(answers=Count("pk"), n_satisfaction=Sum("satisfaction"),
                                                    n_recommend=Sum("would_recommend")))
    for row in surveys:
        out["satisfaction"].append((row["adviser"], _month(row["month"]), row["n_satisfaction"], row["answers"]))
        out["would_recommend"].append((row["adviser"], _month(row["month"]), row["n_recommend"], row["answers"]))
    complaints = (Complaint.objects.filter(firm=firm, received_on__gte=start, received_on__lte=end)
                  .annotate(month=TruncMonth("received_on"), adviser=F("client__responsible_adviser"))
                  .values("adviser", "month", "root_cause").annotate(count=Count("pk")))
    received: dict = defaultdict(float)
    for row in complaints:
        key = (row["adviser"], _month(row["month"]))
        received[key] += row["count"]
        if row["root_cause"]:
            out[f"root_cause:{row['root_cause']}"].append((*key, row["count"], 1))
    for (lead, month), cell in cells.items():
        out["complaints_per_100"].append((lead, month, 100 * received.pop((lead, month), 0), cell["releases"]))
    for (adviser, month), count in received.items():
        out["complaints_per_100"].append((adviser, month, 100 * count, 0))
    resolved = (Complaint.objects.filter(firm=firm, resolved_on__gte=start, resolved_on__lte=end)
                .annotate(month=TruncMonth("resolved_on"), adviser=F("client__responsible_adviser"))
                .values("adviser", "month").annotate(total=Count("pk"), within=Count(
                    "pk", filter=Q(resolved_on__lte=F("resolve_by")))))
    for row in resolved:
        out["complaints_within_norm"].append((row["adviser"], _month(row["month"]), row["within"], row["total"]))

    # Prospect time: hours in the month on prospects that were lost or left within a year.
    prospect_time: dict = defaultdict(lambda: [0.0, 0.0])
    for user, on, minutes_spent, kind, won_on, ended_on in (
            ProspectTime.objects.filter(firm=firm, on__gte=start, on__lte=end)
            .values_list("user", "on", "minutes", "prospect__stage__kind", "prospect__won_on", "prospect__ended_on")
            .iterator(chunk_size=5000)):
        cell = prospect_time[(user, _month(on))]
        cell[1] += minutes_spent / 60
        if classify(kind=kind, won_on=won_on, ended_on=ended_on, today=today) in ("lost", "left_within_year"):
            cell[0] += minutes_spent / 60
    for (user, month), (hours_lost, hours) in prospect_time.items():
        out["prospect_hours_lost"].append((user, month, hours_lost, hours))

    # Product governance (the firm's, not an adviser's): items of the distributor reports sent in
    # the month that the manufacturer answered.
    from klantbelang.governance.models import DistributorReport
    from klantbelang.governance.reports import items as report_items

    for report in DistributorReport.objects.filter(firm=firm, sent_at__date__gte=start,
                                                   sent_at__date__lte=end).prefetch_related("responses"):
        answered = len({response.item for response in report.responses.all()})
        out["report_items_answered"].append((None, _month(report.sent_at), answered, len(report_items(report.data))))
    # ... and the signals shared with a manufacturer in the month that its product developers answered.
    from django.db.models import Exists, OuterRef

    from klantbelang.governance.models import Signal, SignalAnswer

    shared: dict = defaultdict(lambda: [0, 0])
    for shared_at, answered in (Signal.objects.filter(firm=firm, shared_at__date__gte=start, shared_at__date__lte=end)
                                .annotate(answered=Exists(SignalAnswer.objects.filter(signal=OuterRef("pk"))))
                                .values_list("shared_at", "answered")):
        cell = shared[_month(shared_at)]
        cell[0] += answered
        cell[1] += 1
    for month, (answered, count) in shared.items():
        out["signals_answered"].append((None, month, answered, count))

    # Replacements: a product recommended for a need that the same client got a product for
    # within the 24 months before.
    history: dict = defaultdict(list)
    window_start = start - datetime.timedelta(days=REPLACEMENT_WINDOW_DAYS)
    window = released_cases(firm, window_start, end)
    window_cases = {case_id: (client_id, released_at, lead) for case_id, client_id, released_at, lead
                    in window.values_list("pk", "client", "released_at", "lead").iterator(chunk_size=5000)}
    for case_id, need in (Recommendation.objects.filter(released_q(window_start, end, "case__"), case__firm=firm,
                                                        product__isnull=False)
                          .values_list("case", "need_type").iterator(chunk_size=5000)):
        client_id, released_at, lead = window_cases[case_id]
        history[(client_id, need)].append((released_at, lead))
    for events in history.values():
        events.sort(key=lambda event: event[0])
    replacements: dict = defaultdict(lambda: [0.0, 0.0])
    for events in history.values():
        for index, (released_at, lead) in enumerate(events):
            if timezone.localdate(released_at) < start:
                continue
            cell = replacements[(lead, _month(released_at))]
            cell[1] += 1
            if index and (released_at - events[index - 1][0]).days < REPLACEMENT_WINDOW_DAYS:
                cell[0] += 1
    for (lead, month), (count, total) in replacements.items():
        out["replacements"].append((lead, month, count, total))
    return out


def provider_mix(firm, *, start: datetime.date, end: datetime.date) -> dict:
    """Recommended products per (adviser, month, need, provider), for the concentration signal."""
    from klantbelang.advice.models import Recommendation

    released = released_cases(firm, start, end)
    cases = {case_id: (lead, _month(released_at)) for case_id, lead, released_at
             in released.values_list("pk", "lead", "released_at").iterator(chunk_size=5000)}
    mix: dict = defaultdict(int)
    for row in (Recommendation.objects.filter(released_q(start, end, "case__"), case__firm=firm,
                                              product__isnull=False)
                .values("case", "need_type", "product__provider").annotate(count=Count("pk"))
                .iterator(chunk_size=5000)):
        lead, month = cases[row["case"]]
        mix[(lead, month, row["need_type"], row["product__provider"])] += row["count"]
    return mix


def _first_approved(reviews) -> set[int]:
    """Cases whose first review (of ``reviews``) was an approval."""
    first: dict = {}
    for case_id, created_at, pk, outcome in reviews.values_list("case", "created_at", "pk", "outcome").iterator(
            chunk_size=5000):
        if case_id not in first or (created_at, pk) < first[case_id][0]:
            first[case_id] = ((created_at, pk), outcome)
    return {case_id for case_id, (_key, outcome) in first.items() if outcome == "approved"}
