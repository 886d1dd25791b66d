import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from klantbelang.core.access import access
from klantbelang.core.jobs import start_job
from klantbelang.core.pagination import Page
from klantbelang.products.models import Product

from . import services
from .models import STAFF, BookReview, DistributorReport, Finding, Signal
from .tasks import run_book_review

router = Router(tags=["governance"])


class ProductSignalOut(Schema):
    id: int
    source: str
    category: str
    product_code: str | None
    provider: str | None
    need_type: str
    segment: str
    clients: int
    description: str
    status: str
    merged_into_id: int | None
    triage_note: str
    created_at: datetime.datetime
    shared_with_id: int | None
    shared_at: datetime.datetime | None

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code if obj.product_id else None

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name if obj.provider_id else None


class SignalIn(Schema):
    product_code: str = Field(max_length=40)
    category: str = Field(pattern="^(unclear_conditions|cost|target_too_wide|target_too_narrow|process|"
                                  "missing_feature)$")
    description: str = Field(min_length=1, max_length=5000)


class TriageIn(Schema):
    status: str = Field(pattern="^(accepted|merged|dismissed)$")
    note: str = Field(default="", max_length=2000)
    merged_into_id: int | None = None


class SignalFilters(Schema):
    status: str | None = Field(default=None, pattern="^(new|accepted|merged|dismissed)$")
    source: str | None = Field(default=None, pattern="^(adviser|complaint|deviation|unmet_need|review)$")


class CollectOut(Schema):
    created: int


class BookReviewOut(Schema):
    id: int
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    clients: int
    holdings: int
    outside: int
    needs_checked: int
    unmet: int
    seconds: float


class BookReviewDetailOut(BookReviewOut):
    per_product: list[dict]
    per_adviser: list[dict]
    unmet_needs: list[dict]


class ReviewJobOut(Schema):
    job_id: int


def _staff(request):
    if not request.auth.has_any_role(STAFF):
        raise PermissionDenied


@router.get("/signals", response=list[ProductSignalOut], summary="Product signals of the firm")
@paginate(Page)
def list_signals(request, filters: Query[SignalFilters]):
    _staff(request)
    signals = Signal.objects.visible_to(request.auth).select_related("product", "provider")
    if filters.status:
        signals = signals.filter(status=filters.status)
    if filters.source:
        signals = signals.filter(source=filters.source)
    return signals


@router.post("/signals", response={201: ProductSignalOut}, summary="Report feedback about a product")
def report(request, payload: SignalIn):
    _staff(request)
    product = get_object_or_404(Product.objects.filter(firm=request.auth.firm).select_related("provider"),
                                code=payload.product_code)
    return 201, services.report(product=product, by=request.auth, category=payload.category,
                                description=payload.description)


@router.post("/signals/{int:signal_id}/triage", response=ProductSignalOut, summary="Accept, merge or dismiss a signal")
def triage(request, signal_id: int, payload: TriageIn):
    signal = access(Signal, user=request.auth, pk=signal_id)
    target = None
    if payload.merged_into_id:
        target = get_object_or_404(Signal.objects.visible_to(request.auth), pk=payload.merged_into_id)
    return services.triage(signal=signal, by=request.auth, status=payload.status, note=payload.note,
                           merged_into=target)


@router.post("/signals/collect", response=CollectOut, summary="Signals from complaints and deviations")
def collect(request):
    if not services.can_triage(request.auth):
        raise PermissionDenied
    return {"created": services.collect(request.auth.firm)}


@router.get("/book-reviews", response=list[BookReviewOut], summary="Book-wide target-market reviews")
def list_reviews(request):
    _staff(request)
    return BookReview.objects.visible_to(request.auth)[:50]


@router.post("/book-reviews", response={202: ReviewJobOut}, summary="Run a book-wide target-market review (job)")
def start_review(request):
    if not services.can_triage(request.auth):
        raise PermissionDenied
    job = start_job(firm=request.auth.firm, by=request.auth, kind="book_review",
                    title=_("Book-wide target-market review"), task=run_book_review, firm_id=request.auth.firm.pk,
                    user_id=request.auth.pk)
    return 202, {"job_id": job.pk}


@router.get("/book-reviews/{int:review_id}", response=BookReviewDetailOut, summary="A review per product and adviser")
def get_review(request, review_id: int):
    stored = access(BookReview, user=request.auth, pk=review_id)
    findings = Finding.objects.filter(review=stored)
    return {
        **{name: getattr(stored, name) for name in ("id", "started_at", "finished_at", "clients", "holdings",
                                                    "outside", "needs_checked", "unmet", "seconds")},
        "per_product": [{"product_code": row["product__code"], "clients": row["clients"]} for row in findings.values(
            "product__code").annotate(clients=Count("client", distinct=True)).order_by("-clients", "product__code")],
        "per_adviser": [{"adviser_id": row["adviser"], "clients": row["clients"]} for row in findings.values(
            "adviser").annotate(clients=Count("client", distinct=True)).order_by("-clients", "adviser")],
        "unmet_needs": list(stored.unmet_needs.values("need_type", "segment", "clients", "needs")),
    }


class DistributorReportIn(Schema):
    provider_id: int
    start: datetime.date
    end: datetime.date


class DistributorReportOut(Schema):
    id: int
    provider_id: int
    start: datetime.date
    end: datetime.date
    sent_at: datetime.datetime | None
    sent_to: str
    data: dict
    responses: list[dict]

    @staticmethod
    def resolve_responses(obj):
        return [{"item": answer.item, "text": answer.text, "recorded_at": answer.recorded_at.isoformat()}
                for answer in obj.responses.all()]


class SentIn(Schema):
    sent_to: str = Field(min_length=1, max_length=200)


class ReportResponseIn(Schema):
    item: str = Field(max_length=160)
    text: str = Field(min_length=1, max_length=10000)


@router.get("/distributor-reports", response=list[DistributorReportOut], summary="Distributor reports to manufacturers")
def list_reports(request):
    _staff(request)
    return DistributorReport.objects.visible_to(request.auth).prefetch_related("responses")[:100]


@router.post("/distributor-reports", response={201: DistributorReportOut}, summary="Make a distributor report")
def create_report(request, payload: DistributorReportIn):
    from klantbelang.products.models import Provider

    if not services.can_triage(request.auth):
        raise PermissionDenied
    provider = get_object_or_404(Provider.objects.filter(firm=request.auth.firm), pk=payload.provider_id)
    return 201, services.create_report(firm=request.auth.firm, by=request.auth, provider=provider,
                                       start=payload.start, end=payload.end)


@router.get("/distributor-reports/{int:report_id}", response=DistributorReportOut, summary="One report, with responses")
def get_report(request, report_id: int):
    return access(DistributorReport, user=request.auth, pk=report_id)


@router.post("/distributor-reports/{int:report_id}/sent", response=DistributorReportOut, summary="Record it as sent")
def sent(request, report_id: int, payload: SentIn):
    report = access(DistributorReport, user=request.auth, pk=report_id)
    return services.mark_sent(report=report, by=request.auth, to=payload.sent_to)


@router.post("/distributor-reports/{int:report_id}/responses", response={201: DistributorReportOut},
             summary="Record the manufacturer's response to one item")
def respond(request, report_id: int, payload: ReportResponseIn):
    report = access(DistributorReport, user=request.auth, pk=report_id)
    services.record_response(report=report, by=request.auth, item=payload.item, text=payload.text)
    return 201, report
