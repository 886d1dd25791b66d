"""Signals (feedback, automatic collection, triage) and the book-wide review's records."""

import datetime
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.core.audit import diff, field_values, record_audit, record_audits
from klantbelang.core.needs import NeedType
from klantbelang.core.roles import Role

from . import review as engine_review
from .models import ADVISER_CATEGORIES, BookReview, Category, Finding, Signal, Source, UnmetNeed

TRIAGERS = {Role.MANAGER, Role.ADMIN}
FOLLOW_UP_DAYS = 30


def can_report(user) -> bool:
    return user.is_authenticated and user.has_any_role({Role.ADVISER, Role.REVIEWER, Role.MANAGER, Role.ADMIN})


def can_triage(user) -> bool:
    return user.is_authenticated and user.has_any_role(TRIAGERS)


@transaction.atomic
def report(*, product, by, category: str, description: str) -> Signal:
    """An adviser's structured feedback about a product."""
    if not can_report(by) or by.firm is None or by.firm.pk != product.firm_id:
        raise PermissionDenied
    errors = {}
    if category not in ADVISER_CATEGORIES:
        errors["category"] = _("Choose one of the feedback categories.")
    if not description.strip():
        errors["description"] = _("Describe what you noticed.")
    if errors:
        raise ValidationError(errors)
    signal = Signal.objects.create(firm=product.firm, source=Source.ADVISER, category=category, product=product,
                                   provider=product.provider, description=description.strip()[:5000], created_by=by)
    record_audit(actor=by, action="signal.reported", obj=signal,
                 changes={"category": {"before": None, "after": category}, "product": {"before": None,
                                                                                      "after": product.code}})
    return signal


@transaction.atomic
def triage(*, signal: Signal, by, status: str, note: str = "", merged_into: Signal | None = None) -> Signal:
    """Accept, merge into another signal, or dismiss with a reason."""
    if not can_triage(by) or by.firm is None or by.firm.pk != signal.firm_id:
        raise PermissionDenied
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if merged_into is not None:
        merged_into = Signal.objects.select_for_update().get(pk=merged_into.pk)  # its state now, not as passed
    errors = {}
    if signal.shared_at is not None:
        errors["status"] = _("This signal was shared with the manufacturer; its triage stands.")
    if status not in (Signal.Status.ACCEPTED, Signal.Status.MERGED, Signal.Status.DISMISSED):
        errors["status"] = _("Accept, merge or dismiss.")
    if status == Signal.Status.DISMISSED and not note.strip():
        errors["note"] = _("Say why the signal is dismissed.")
    if status == Signal.Status.MERGED:
        if merged_into is None or merged_into.firm_id != signal.firm_id or merged_into.pk == signal.pk:
            errors["merged_into"] = _("Choose another signal of this firm to merge into.")
        elif merged_into.status == Signal.Status.MERGED:
            errors["merged_into"] = _("That signal was itself merged; merge into the signal it went to.")
    if errors:
        raise ValidationError(errors)
    before = field_values(signal, ["status", "merged_into", "triage_note"])
    signal.status, signal.triage_note = status, note.strip()
    signal.merged_into = merged_into if status == Signal.Status.MERGED else None
    signal.triaged_by, signal.triaged_at = by, timezone.now()
    signal.save()
    if status == Signal.Status.MERGED:
        Signal.objects.filter(pk=merged_into.pk).update(clients=merged_into.clients + signal.clients)
    record_audit(actor=by, action="signal.triaged", obj=signal,
                 changes=diff(before, field_values(signal, ["status", "merged_into", "triage_note"])))
    return signal


def _automatic(firm, *, key: str, **fields) -> Signal | None:
    signal, created = Signal.objects.get_or_create(firm=firm, key=key, defaults=fields)
    if not created and signal.status == Signal.Status.NEW and signal.clients != fields.get("clients", 1):
        Signal.objects.filter(pk=signal.pk).update(clients=fields.get("clients", 1))
    return signal if created else None


@transaction.atomic
def collect(firm) -> int:
    """Signals from complaints about a product and from advice outside the target market; each
    cause gives one signal, so collecting again adds only what is new."""
    from klantbelang.advice.models import Recommendation
    from klantbelang.relationships.models import Complaint

    made = 0
    for complaint in Complaint.objects.filter(firm=firm, product__isnull=False).select_related("product__provider"):
        made += _automatic(firm, key=f"complaint:{complaint.pk}", source=Source.COMPLAINT,
                           category=_complaint_category(complaint.root_cause), product=complaint.product,
                           provider=complaint.product.provider,
                           description=_("Complaint: %(subject)s") % {"subject": complaint.subject}) is not None
    deviations = (Recommendation.objects.filter(case__firm=firm, product__isnull=False, eligible=False,
                                                case__versions__number=1)
                  .select_related("product__provider").order_by("pk"))
    for recommendation in deviations:
        made += _automatic(
            firm, key=f"deviation:{recommendation.pk}", source=Source.DEVIATION, category=Category.OUTSIDE_TARGET,
            product=recommendation.product, provider=recommendation.product.provider,
            need_type=recommendation.need_type,
            description=_("Advised outside the target market for %(need)s. The adviser's reason: %(reason)s") % {
                "need": NeedType(recommendation.need_type).label if recommendation.need_type in NeedType.values
                else recommendation.need_type, "reason": recommendation.deviation_reason}) is not None
    return made


def _complaint_category(root_cause: str) -> str:
    return {"costs": Category.COST, "product": Category.UNCLEAR_CONDITIONS,
            "communication": Category.UNCLEAR_CONDITIONS, "process": Category.PROCESS}.get(
        root_cause, Category.UNCLEAR_CONDITIONS)


@transaction.atomic
def book_review(*, firm, by=None, today: datetime.date | None = None, progress=None) -> BookReview:
    """Run the review, store its findings and unmet needs, open a review for each client found
    outside a product's target market (once per product and need) and signal every product and
    unmet need concerned. All or nothing."""
    from klantbelang.products.models import Product
    from klantbelang.relationships.models import PeriodicReview

    started = time.perf_counter()
    today = today or timezone.localdate()
    outcome = engine_review.run(firm, today=today, progress=progress)
    stored = BookReview.objects.create(
        firm=firm, started_by=by if by is not None and by.is_authenticated else None, clients=outcome.clients,
        holdings=outcome.holdings, outside=len(outcome.outside), needs_checked=outcome.needs_checked,
        unmet=sum(len(clients) for clients in outcome.unmet.values()))
    products = Product.objects.in_bulk({holding.product_id for holding, _axes in outcome.outside})
    # One follow-up review per client, product and need, ever: opened in bulk, each with its audit event.
    existing = {(client_id, key): pk for client_id, key, pk in PeriodicReview.objects.filter(
        firm=firm, trigger_key__startswith="target_market:").values_list("client", "trigger_key", "pk")}
    wanted = {}
    for holding, axes in outcome.outside:
        product = products[holding.product_id]
        key = f"target_market:{product.code}:{holding.need_type}"[:120]
        if (holding.client_id, key) not in existing and (holding.client_id, key) not in wanted:
            wanted[(holding.client_id, key)] = PeriodicReview(
                firm=firm, client_id=holding.client_id, trigger=PeriodicReview.Trigger.PRODUCT_EVENT,
                trigger_key=key, due_on=today + datetime.timedelta(days=FOLLOW_UP_DAYS),
                reason=(_("%(product)s is outside the client's target market now (%(axes)s)") % {
                    "product": product.name, "axes": ", ".join(axes)})[:300])
    opened = PeriodicReview.objects.bulk_create(list(wanted.values()), batch_size=2000)
    record_audits(actor=by, firm=firm, entries=[("review.opened", item, {"trigger": {
        "before": None, "after": item.trigger}}) for item in opened])
    existing.update({(item.client_id, item.trigger_key): item.pk for item in opened})
    findings = []
    for holding, axes in outcome.outside:
        key = f"target_market:{products[holding.product_id].code}:{holding.need_type}"[:120]
        findings.append(Finding(review=stored, client_id=holding.client_id, adviser_id=holding.adviser_id,
                                product_id=holding.product_id, need_type=holding.need_type, axes=axes,
                                follow_up_id=existing.get((holding.client_id, key))))
    Finding.objects.bulk_create(findings, batch_size=2000)
    UnmetNeed.objects.bulk_create([UnmetNeed(review=stored, need_type=need, segment=segment, clients=len(ids),
                                             needs=outcome.unmet_needs[(need, segment)])
                                   for (need, segment), ids in outcome.unmet.items()])
    month = today.strftime("%Y-%m")
    for row in (Finding.objects.filter(review=stored).values("product").annotate(count=Count("client", distinct=True))):
        product = products[row["product"]]
        _automatic(firm, key=f"review:{product.pk}:{month}", source=Source.REVIEW, category=Category.OUTSIDE_TARGET,
                   product=product, provider=product.provider, clients=row["count"],
                   description=_("The book review of %(month)s found %(count)s clients who hold this product "
                                 "outside its target market now.") % {"month": month, "count": row["count"]})
    for (need, segment), ids in outcome.unmet.items():
        _automatic(firm, key=f"unmet:{need}:{segment}:{month}", source=Source.UNMET_NEED,
                   category=Category.NO_PRODUCT, need_type=need, segment=segment, clients=len(ids),
                   description=_("No eligible product on the shelf for %(need)s (%(segment)s): %(count)s clients.")
                   % {"need": NeedType(need).label if need in NeedType.values else need, "segment": segment,
                      "count": len(ids)})
    stored.finished_at = timezone.now()
    stored.seconds = round(time.perf_counter() - started, 2)
    stored.save(update_fields=["finished_at", "seconds"])
    record_audit(actor=by, action="book_review.finished", obj=stored,
                 changes={"outside": {"before": None, "after": stored.outside},
                          "unmet": {"before": None, "after": stored.unmet}})
    return stored


# Distributor reports ------------------------------------------------------------------------------

@transaction.atomic
def create_report(*, firm, by, provider, start: datetime.date, end: datetime.date):
    from . import reports
    from .models import DistributorReport

    if not can_triage(by) or by.firm != firm:
        raise PermissionDenied
    if provider.firm_id != firm.pk:
        raise ValidationError({"provider": _("Choose a provider of this firm.")})
    if end < start:
        raise ValidationError({"end": _("The end of the period lies after its start.")})
    if not reporting_period(start, end):
        raise ValidationError({"start": _("A report covers a whole calendar quarter or a whole calendar year.")})
    # Locks the provider, so two managers cannot both make an overlapping report (locking its reports
    # would lock nothing before the first); on PostgreSQL an exclusion constraint backs it up.
    type(provider).objects.select_for_update().filter(pk=provider.pk).first()
    overlapping = DistributorReport.objects.filter(firm=firm, provider=provider, start__lte=end, end__gte=start)
    if overlapping.exists():
        raise ValidationError({"start": _("A report to this provider already covers part of this period; "
                                          "reports never overlap, so no group under five can be derived "
                                          "from their difference.")})
    report = DistributorReport.objects.create(firm=firm, provider=provider, start=start, end=end, created_by=by,
                                              data=reports.build(firm=firm, provider=provider, start=start, end=end))
    record_audit(actor=by, action="distributor_report.created", obj=report,
                 changes={"provider": {"before": None, "after": provider.name}})
    return report


def reporting_period(start: datetime.date, end: datetime.date) -> bool:
    """A whole calendar quarter or a whole calendar year."""
    if start.year != end.year or start.day != 1:
        return False
    if (start.month, end.month, end.day) == (1, 12, 31):
        return True
    if start.month not in (1, 4, 7, 10):
        return False
    following = datetime.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return end == following - datetime.timedelta(days=1)


def quarter(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a calendar quarter; number 0 is the whole year."""
    if number == 0:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    start = datetime.date(year, 3 * number - 2, 1)
    following = datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


@transaction.atomic
def mark_sent(*, report, by, to: str):
    from .models import DistributorReport

    if not can_triage(by) or by.firm is None or by.firm.pk != report.firm_id:
        raise PermissionDenied
    report = DistributorReport.objects.select_for_update().get(pk=report.pk)
    if report.sent_at is not None:
        raise ValidationError({"sent_to": _("This report was sent already.")})
    if not to.strip():
        raise ValidationError({"sent_to": _("Say to whom the report was sent.")})
    report.sent_at, report.sent_to = timezone.now(), to.strip()[:200]
    report.save(update_fields=["sent_at", "sent_to"])
    record_audit(actor=by, action="distributor_report.sent", obj=report,
                 changes={"sent_to": {"before": None, "after": report.sent_to}})
    return report


@transaction.atomic
def record_response(*, report, by, item: str, text: str):
    from . import reports
    from .models import ReportResponse, developer_provider

    own_provider = developer_provider(by)
    manufacturer = own_provider is not None and own_provider.pk == report.provider_id
    if not (can_triage(by) or manufacturer) or by.firm is None or by.firm.pk != report.firm_id:
        raise PermissionDenied
    report = report.__class__.objects.get(pk=report.pk)  # as stored now, not as passed
    errors = {}
    if item not in dict(reports.items(report.data)):
        errors["item"] = _("Choose an item of this report.")
    if not text.strip():
        errors["text"] = _("Write down the manufacturer's response.")
    if report.sent_at is None:
        errors["item"] = _("Record responses once the report was sent.")
    if errors:
        raise ValidationError(errors)
    response = ReportResponse.objects.create(report=report, item=item, text=text.strip()[:10000], recorded_by=by,
                                             by_manufacturer=manufacturer)
    record_audit(actor=by, action="distributor_report.response", obj=report,
                 changes={"item": {"before": None, "after": item}})
    return response
