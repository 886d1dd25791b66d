import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from klantbelang.clients.models import Client
from klantbelang.core.access import access
from klantbelang.products.models import Product

from . import services
from .models import AdviceCase, AdviceVersion

router = Router(tags=["advice"])


class CaseOut(Schema):
    id: int
    client_id: int
    title: str
    reason: str
    domains: list[str]
    status: str
    lead: str
    profile_version: int
    needs_review: bool
    sampling: str
    edit_version: int

    @staticmethod
    def resolve_lead(obj):
        return obj.lead.email

    @staticmethod
    def resolve_profile_version(obj):
        return obj.profile.version


class CaseIn(Schema):
    client_id: int
    domains: list[str] = Field(min_length=1)
    reason: str = Field(pattern="^(first_advice|life_event|periodic_review|other)$")
    title: str = Field(default="", max_length=200)


class MoveIn(Schema):
    to: str = Field(pattern="^(intake|inventory|analysis|advice|review|released|implemented|aftercare)$")
    based_on: int | None = None
    amendment_reason: str = Field(default="", max_length=5000)


class RecommendationIn(Schema):
    need_type: str = Field(max_length=40)
    product_code: str | None = Field(default=None, max_length=40)
    no_product: bool = False
    rationale: str = Field(max_length=10000)
    disadvantages: str = Field(default="", max_length=10000)
    one_off_cost: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)
    yearly_cost: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)
    horizon_years: int = Field(default=1, ge=1, le=60)
    replacement_note: str = Field(default="", max_length=10000)
    deviation_reason: str = Field(default="", max_length=10000)
    sustainability_adaptation: str = Field(default="", max_length=10000)
    based_on: int | None = None


class RecommendationOut(Schema):
    id: int
    need_type: str
    product_code: str | None
    no_product: bool
    eligible: bool
    verdicts: dict
    alternatives: list[dict]
    rationale: str
    deviation_reason: str

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code if obj.product else None


class ReviewIn(Schema):
    outcome: str = Field(pattern="^(approved|changes_requested)$")
    checklist: dict[str, dict] = Field(default_factory=dict)


class ReviewOut(Schema):
    id: int
    outcome: str
    checklist: dict
    reviewer: str

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.email


class VersionOut(Schema):
    id: int
    case_id: int
    number: int
    released_at: datetime.datetime
    snapshot: dict


class ClientResponseIn(Schema):
    kind: str = Field(pattern="^(accepted|question)$")
    text: str = Field(default="", max_length=5000)


class CaseTimeIn(Schema):
    activity: str = Field(pattern="^(intake|analysis|advice|meeting|review|implementation)$")
    minutes: int = Field(ge=1, le=1440)
    on: datetime.date


def _case(request, case_id):
    return access(AdviceCase, user=request.auth, pk=case_id,
                  queryset=AdviceCase.objects.select_related("lead", "profile", "client", "firm"))


@router.get("/cases", response=list[CaseOut], summary="Advice cases you may see")
def list_cases(request):
    return AdviceCase.objects.visible_to(request.auth).select_related("lead", "profile")[:500]


@router.post("/cases", response={201: CaseOut}, summary="Open an advice case")
def open_case(request, payload: CaseIn):
    client = access(Client, user=request.auth, pk=payload.client_id,
                    queryset=Client.objects.select_related("current_profile"))
    return 201, services.open_case(client=client, by=request.auth, domains=payload.domains, reason=payload.reason,
                                   title=payload.title)


@router.get("/cases/{int:case_id}", response=CaseOut, summary="One advice case")
def get_case(request, case_id: int):
    return _case(request, case_id)


@router.post("/cases/{int:case_id}/move", response=CaseOut, summary="Move the case (submit, release included)")
def move_case(request, case_id: int, payload: MoveIn):
    case = _case(request, case_id)
    if payload.to == "review":
        services.submit_for_review(case=case, by=request.auth, based_on=payload.based_on)
    elif payload.to == "released":
        services.release(case=case, by=request.auth, amendment_reason=payload.amendment_reason)
    else:
        services.transition(case=case, by=request.auth, to=payload.to, based_on=payload.based_on)
    return _case(request, case_id)


@router.post("/cases/{int:case_id}/recommendations", response={201: RecommendationOut},
             summary="Save the advice for one need")
def save_recommendation(request, case_id: int, payload: RecommendationIn):
    case = _case(request, case_id)
    product = None
    if payload.product_code:
        product = get_object_or_404(Product.objects.visible_to(request.auth), code=payload.product_code)
    data = payload.dict(exclude={"product_code", "based_on"})
    return 201, services.save_recommendation(case=case, by=request.auth, product=product, based_on=payload.based_on,
                                             **data)


@router.get("/cases/{int:case_id}/recommendations", response=list[RecommendationOut], summary="The advice per need")
def list_recommendations(request, case_id: int):
    return _case(request, case_id).recommendations.select_related("product")


@router.post("/cases/{int:case_id}/reviews", response={201: ReviewOut}, summary="Record a four-eyes review")
def review_case(request, case_id: int, payload: ReviewIn):
    case = _case(request, case_id)
    return 201, services.review_case(case=case, by=request.auth, outcome=payload.outcome, checklist=payload.checklist)


@router.post("/cases/{int:case_id}/time", response={201: dict}, summary="Register time on the case")
def log_time(request, case_id: int, payload: CaseTimeIn):
    case = _case(request, case_id)
    entry = services.log_time(case=case, by=request.auth, **payload.dict())
    return 201, {"id": entry.pk, "fee": services.fee_statement(case)}


@router.get("/advice-versions/{int:version_id}", response=VersionOut, summary="A released advice")
def get_version(request, version_id: int):
    return access(AdviceVersion, user=request.auth, pk=version_id)


@router.get("/advice-versions/{int:version_id}/report.pdf", summary="The advice report as PDF",
            response={200: None})
def report_pdf(request, version_id: int):
    from .views import render_report_pdf

    version = access(AdviceVersion, user=request.auth, pk=version_id,
                     queryset=AdviceVersion.objects.select_related("case__client"))
    return HttpResponse(render_report_pdf(version), content_type="application/pdf")


@router.post("/advice-versions/{int:version_id}/responses", response={201: dict},
             summary="The client accepts the advice or asks a question")
def respond(request, version_id: int, payload: ClientResponseIn):
    version = access(AdviceVersion, user=request.auth, pk=version_id,
                     queryset=AdviceVersion.objects.select_related("case__client"))
    response = services.respond_to_report(version=version, by=request.auth, kind=payload.kind, text=payload.text)
    return 201, {"id": response.pk, "kind": response.kind}
