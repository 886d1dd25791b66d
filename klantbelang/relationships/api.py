import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from klantbelang.clients.models import Client
from klantbelang.core.access import access

from . import services
from .health import relationship_health
from .models import Complaint, PeriodicReview, ServiceAgreement, Survey

router = Router(tags=["relationships"])


class AgreementIn(Schema):
    domains: list[str] = Field(min_length=1)
    service_kind: str = Field(pattern="^(one_off|ongoing)$")
    basis: str = Field(default="broad", pattern="^(broad|panel)$")
    panel: str = Field(default="", max_length=300)
    fee_model: str = Field(pattern="^(hourly|fixed|subscription|commission)$")
    fee_amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    commission_disclosure: str = Field(default="", max_length=300)
    response_days: int = Field(default=3, ge=1, le=60)
    review_cadence_months: int = Field(default=12, ge=1, le=60)
    client_response_days: int = Field(default=14, ge=1, le=90)


class AgreementOut(Schema):
    id: int
    version: int
    status: str
    domains: list[str]
    service_kind: str
    basis: str
    panel: str
    fee_model: str
    fee_amount: Decimal
    commission_disclosure: str
    response_days: int
    review_cadence_months: int
    client_response_days: int
    adviser_confirmed_at: datetime.datetime | None
    client_confirmed_at: datetime.datetime | None


class ObligationOut(Schema):
    id: int
    party: str
    kind: str
    description: str
    due_on: datetime.date
    state: str

    @staticmethod
    def resolve_state(obj):
        return obj.state(timezone.localdate())


class PeriodicReviewOut(Schema):
    id: int
    trigger: str
    reason: str
    due_on: datetime.date
    status: str
    outcome_note: str
    profile_version: int | None


class OutcomeIn(Schema):
    status: str = Field(pattern="^(delivered|declined|not_attempted)$")
    note: str = Field(default="", max_length=5000)


class SurveyOut(Schema):
    id: int
    about: str
    answered_at: datetime.datetime | None
    satisfaction: int | None
    would_recommend: int | None
    comment: str


class SurveyIn(Schema):
    satisfaction: int = Field(ge=1, le=5)
    would_recommend: int = Field(ge=0, le=10)
    comment: str = Field(default="", max_length=2000)


class ComplaintOut(Schema):
    id: int
    client_id: int
    product_id: int | None
    case_id: int | None
    subject: str
    status: str
    received_on: datetime.date
    acknowledge_by: datetime.date
    resolve_by: datetime.date
    root_cause: str
    overdue: list[str]

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue(timezone.localdate())


class ComplaintIn(Schema):
    client_id: int
    product_code: str | None = Field(default=None, max_length=40)
    case_id: int | None = None
    subject: str = Field(max_length=200)
    description: str = Field(max_length=10000)
    received_on: datetime.date


class ComplaintStepIn(Schema):
    to: str = Field(pattern="^(acknowledged|analysed|resolved|client_informed)$")
    analysis: str = Field(default="", max_length=10000)
    root_cause: str = Field(default="", max_length=20)
    resolution: str = Field(default="", max_length=10000)


class LifeEventIn(Schema):
    event_type: str = Field(pattern="^(marriage|child|home_purchase|job_change|self_employment|divorce|"
                                    "death_of_partner|retirement)$")
    date: datetime.date


class HealthOut(Schema):
    level: str
    points: int
    reasons: list[str]


@router.get("/clients/{int:client_id}/agreements", response=list[AgreementOut], summary="Service agreements")
def list_agreements(request, client_id: int):
    return access(Client, user=request.auth, pk=client_id).agreements.all()


@router.post("/clients/{int:client_id}/agreements", response={201: AgreementOut}, summary="Draft an agreement")
def draft_agreement(request, client_id: int, payload: AgreementIn):
    client = access(Client, user=request.auth, pk=client_id)
    return 201, services.draft_agreement(client=client, by=request.auth, terms=payload.dict())


@router.post("/agreements/{int:agreement_id}/confirm", response=AgreementOut,
             summary="Confirm (the adviser first, then the client)")
def confirm_agreement(request, agreement_id: int):
    agreement = access(ServiceAgreement, user=request.auth, pk=agreement_id)
    return services.confirm_agreement(agreement=agreement, by=request.auth)


@router.get("/clients/{int:client_id}/obligations", response=list[ObligationOut], summary="Obligations")
def list_obligations(request, client_id: int):
    return access(Client, user=request.auth, pk=client_id).obligations.all()


@router.get("/clients/{int:client_id}/reviews", response=list[PeriodicReviewOut], summary="Periodic reviews")
def list_reviews(request, client_id: int):
    return access(Client, user=request.auth, pk=client_id).reviews.all()


@router.post("/reviews/{int:review_id}/outcome", response=PeriodicReviewOut, summary="Record a review's outcome")
def review_outcome(request, review_id: int, payload: OutcomeIn):
    review = access(PeriodicReview, user=request.auth, pk=review_id)
    return services.record_review_outcome(review=review, by=request.auth, status=payload.status, note=payload.note)


@router.post("/clients/{int:client_id}/life-events", response={201: dict}, summary="Report a life event")
def report_life_event(request, client_id: int, payload: LifeEventIn):
    client = access(Client, user=request.auth, pk=client_id, queryset=Client.objects.select_related("current_profile"))
    review = services.report_life_event(client=client, by=request.auth, event_type=payload.event_type,
                                        date=payload.date)
    return 201, {"review_id": review.pk if review else None}


@router.get("/clients/{int:client_id}/health", response=HealthOut, summary="Relationship health, with reasons")
def health(request, client_id: int):
    client = access(Client, user=request.auth, pk=client_id, queryset=Client.objects.select_related("current_profile"))
    return relationship_health(client=client, today=timezone.localdate())


@router.get("/surveys", response=list[SurveyOut], summary="Surveys of the clients you may see")
def list_surveys(request):
    return Survey.objects.visible_to(request.auth)


@router.post("/surveys/{int:survey_id}/answer", response=SurveyOut, summary="Answer a survey (the client)")
def answer_survey(request, survey_id: int, payload: SurveyIn):
    survey = access(Survey, user=request.auth, pk=survey_id)
    return services.answer_survey(survey=survey, by=request.auth, **payload.dict())


@router.get("/complaints", response=list[ComplaintOut], summary="The complaints register")
def list_complaints(request):
    return Complaint.objects.visible_to(request.auth)


@router.post("/complaints", response={201: ComplaintOut}, summary="Register a complaint")
def register_complaint(request, payload: ComplaintIn):
    from django.shortcuts import get_object_or_404

    from klantbelang.advice.models import AdviceCase
    from klantbelang.products.models import Product

    client = access(Client, user=request.auth, pk=payload.client_id)
    product = (get_object_or_404(Product.objects.visible_to(request.auth), code=payload.product_code)
               if payload.product_code else None)
    case = access(AdviceCase, user=request.auth, pk=payload.case_id) if payload.case_id else None
    return 201, services.register_complaint(client=client, by=request.auth, subject=payload.subject,
                                            description=payload.description, received_on=payload.received_on,
                                            product=product, case=case)


@router.post("/complaints/{int:complaint_id}/advance", response=ComplaintOut, summary="Move a complaint one step")
def advance_complaint(request, complaint_id: int, payload: ComplaintStepIn):
    complaint = access(Complaint, user=request.auth, pk=complaint_id)
    data = payload.dict()
    return services.advance_complaint(complaint=complaint, by=request.auth, **data)
