import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from klantbelang.accounts.models import User
from klantbelang.core.access import access
from klantbelang.core.dates import years_later
from klantbelang.core.jobs import start_job
from klantbelang.core.pagination import Page

from . import scoring, services
from .models import Campaign, LostReason, Prospect, ServiceScope, Source, Stage
from .permissions import can_manage_marketing, can_work_pipeline
from .qualification import scope_fit
from .reports import marketing_report
from .tasks import rescore, train_score

router = Router(tags=["prospects"])



class ProspectIn(Schema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    kind: str = Field(default="person", pattern="^(person|household)$")
    email: str = Field(default="", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str = Field(default="", max_length=30)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    household_size: int = Field(default=1, ge=1, le=20)
    audience: str = Field(default="private", pattern="^(private|self_employed|business_owner|retired)$")
    country: str = Field(default="NL", pattern="^(NL|BE)$")
    assets: str = Field(default="unknown", pattern="^(unknown|under_25k|25k_100k|100k_500k|over_500k)$")
    stated_needs: list[str] = Field(default_factory=list, max_length=14)
    own_words: str = Field(default="", max_length=5000)
    source_id: int
    campaign_id: int | None = None
    contact_consent: bool = False


class ProspectPatch(Schema):
    edit_version: int = Field(description="The version you read; a newer one on the server is a 409 conflict.")
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    email: str | None = Field(default=None, max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=30)
    household_size: int | None = Field(default=None, ge=1, le=20)
    stated_needs: list[str] | None = Field(default=None, max_length=14)
    own_words: str | None = Field(default=None, max_length=5000)
    contact_consent: bool | None = None


class Factor(Schema):
    feature: str
    effect: float
    text_nl: str
    text_en: str


class ProspectOut(Schema):
    id: int
    first_name: str
    last_name: str
    kind: str
    email: str
    phone: str
    birth_year: int | None
    household_size: int
    audience: str
    country: str
    assets: str
    stated_needs: list[str]
    own_words: str
    source_id: int
    campaign_id: int | None
    contact_consent: bool
    owner_id: int
    adviser_id: int | None
    assignment_note: str
    stage_id: int
    stage_kind: str
    lost_reason_id: int | None
    client_id: int | None
    won_on: datetime.date | None
    ended_on: datetime.date | None
    created_at: datetime.datetime
    edit_version: int
    score: float | None
    override_score: float | None
    override_reason: str

    @staticmethod
    def resolve_stage_kind(obj):
        return obj.stage.kind


class TransitionIn(Schema):
    stage_id: int
    lost_reason_id: int | None = None
    note: str = Field(default="", max_length=500)
    edit_version: int | None = None


class ProspectTimeIn(Schema):
    activity: str = Field(pattern="^(call|meeting|email|preparation|travel|other)$")
    minutes: int = Field(ge=1, le=720)
    on: datetime.date
    note: str = Field(default="", max_length=300)


class TimeOut(Schema):
    id: int
    user_id: int
    activity: str
    minutes: int
    on: datetime.date
    note: str


class CheckIn(Schema):
    contact: str = Field(pattern="^(yearly|twice|on_events|on_request)$")
    shares_information: str = Field(pattern="^(yes|partly|no)$")
    accepts_fee: str = Field(pattern="^(yes|unsure|no)$")
    horizon: str = Field(pattern="^(under_1|1_3|3_5|over_5)$")
    firm_can_meet: bool
    firm_wants: bool
    firm_note: str = Field(default="", max_length=1000)
    edit_version: int | None = None


class CheckOut(Schema):
    mutual: bool
    concerns: list[str]
    recorded_at: datetime.datetime


class AssignIn(Schema):
    adviser_id: int | None = Field(default=None, description="Leave out for round-robin among the advisers who fit.")
    note: str = Field(default="", max_length=400)


class ScoreOut(Schema):
    score: float | None = Field(description="The computed probability of becoming a client who stays a year.")
    override_score: float | None
    override_reason: str
    shown: float | None
    factors: list[Factor]
    scored_at: datetime.datetime | None
    model_trained_at: datetime.datetime | None
    fit: str
    fit_reasons: list[str]
    relationship_check: str = Field(description="mutual, not_mutual or not_done")
    why_no_score: str = ""
    fit_exception: str = Field(default="", description="A manager's reason to take the prospect on outside the "
                                                       "scope; without it an out-of-scope prospect stays in "
                                                       "qualification")


class FitExceptionIn(Schema):
    reason: str = Field(max_length=500, description="Empty withdraws the exception")


class OverrideIn(Schema):
    score: float | None = Field(ge=0, le=1, description="null goes back to the computed score")
    reason: str = Field(default="", max_length=500)


class SourceIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    channel: str = Field(pattern="^(website|client_referral|professional_referral|event|social|comparison_site|"
                                 "purchased_list|other)$")
    active: bool = True


class SourceOut(Schema):
    id: int
    name: str
    channel: str
    active: bool


class CampaignIn(Schema):
    name: str = Field(min_length=1, max_length=160)
    source_id: int
    target_group: str = Field(default="", max_length=300)
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    cost: Decimal = Field(default=Decimal(0), ge=0, max_digits=10, decimal_places=2)


class CampaignOut(Schema):
    id: int
    name: str
    source_id: int
    target_group: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    cost: Decimal


class StageOut(Schema):
    id: int
    kind: str
    name_nl: str
    name_en: str
    position: int


class LostReasonOut(Schema):
    id: int
    code: str
    label_nl: str
    label_en: str
    active: bool


class ReportLine(Schema):
    id: int | None
    name: str
    prospects: int
    adviser_hours: float
    won: int
    lasting: int
    left_within_year: int
    not_yet_known: int
    lost: int
    open: int
    hours_lost: float
    cost_of_hours_lost: Decimal
    campaign_cost: Decimal
    cost_per_lasting_client: Decimal | None
    lost_reasons: dict[str, int]


class MarketingReportOut(Schema):
    start: datetime.date
    end: datetime.date
    hourly_cost: Decimal
    by_source: list[ReportLine]
    by_campaign: list[ReportLine]


class ModelOut(Schema):
    trained_at: datetime.datetime | None
    rows: int | None
    positives: int | None
    metrics: dict
    calibration: list[dict]
    weights: list[dict]
    history: dict
    chosen: str | None = Field(None, description="The chosen candidate: logistic, additive or boosted_trees")
    method: str = Field("", description="The chosen candidate in words, in the request's language")
    why_chosen: str = Field("", description="Why this candidate was chosen, in the request's language")


class ScoringJobOut(Schema):
    job_id: int


class ProspectFilters(Schema):
    stage_kind: str | None = Field(default=None, pattern="^(new|qualifying|introduction|agreement|won|lost)$")
    source_id: int | None = None
    adviser_id: int | None = None


def _pipeline(request):
    if not can_work_pipeline(user=request.auth):
        raise PermissionDenied


def _marketing(request):
    if not can_manage_marketing(user=request.auth):
        raise PermissionDenied


def _prospect(request, prospect_id) -> Prospect:
    return access(Prospect, user=request.auth, pk=prospect_id,
                  queryset=Prospect.objects.select_related("stage", "firm", "source"))


def _firm_object(model, request, pk):
    return get_object_or_404(model.objects.filter(firm=request.auth.firm), pk=pk)


def _needs(needs: list[str]) -> list[str]:
    """Each need once; the service says which needs it does not know."""
    return list(dict.fromkeys(needs))


@router.get("/prospects", response=list[ProspectOut], summary="Prospects of the firm")
@paginate(Page)
def list_prospects(request, filters: Query[ProspectFilters]):
    _pipeline(request)
    prospects = Prospect.objects.visible_to(request.auth).select_related("stage").order_by("-created_at", "pk")
    if filters.stage_kind:
        prospects = prospects.filter(stage__kind=filters.stage_kind)
    if filters.source_id:
        prospects = prospects.filter(source_id=filters.source_id)
    if filters.adviser_id:
        prospects = prospects.filter(adviser_id=filters.adviser_id)
    return prospects


@router.post("/prospects", response={201: ProspectOut}, summary="Add a prospect")
def create_prospect(request, payload: ProspectIn):
    _pipeline(request)
    data = payload.dict()
    source = _firm_object(Source, request, data.pop("source_id"))
    campaign_id = data.pop("campaign_id")
    campaign = _firm_object(Campaign, request, campaign_id) if campaign_id else None
    data["stated_needs"] = _needs(data["stated_needs"])
    prospect = services.create_prospect(firm=request.auth.firm, by=request.auth,
                                        fields={**data, "source": source, "campaign": campaign})
    return 201, prospect


@router.get("/prospects/{int:prospect_id}", response=ProspectOut, summary="One prospect")
def get_prospect(request, prospect_id: int):
    return _prospect(request, prospect_id)


@router.patch("/prospects/{int:prospect_id}", response=ProspectOut, summary="Change a prospect")
def update_prospect(request, prospect_id: int, payload: ProspectPatch):
    prospect = _prospect(request, prospect_id)
    data = {name: value for name, value in payload.dict(exclude_unset=True).items()
            if name != "edit_version" and value is not None}
    if "stated_needs" in data:
        data["stated_needs"] = _needs(data["stated_needs"])
    return services.update_prospect(prospect=prospect, by=request.auth, fields=data,
                                    based_on_version=payload.edit_version)


@router.post("/prospects/{int:prospect_id}/transitions", response=ProspectOut, summary="Move to another stage")
def transition(request, prospect_id: int, payload: TransitionIn):
    prospect = _prospect(request, prospect_id)
    stage = _firm_object(Stage, request, payload.stage_id)
    reason = _firm_object(LostReason, request, payload.lost_reason_id) if payload.lost_reason_id else None
    return services.move(prospect=prospect, to=stage, by=request.auth, lost_reason=reason, note=payload.note,
                         based_on_version=payload.edit_version)


@router.get("/prospects/{int:prospect_id}/time-entries", response=list[TimeOut], summary="Time spent")
def list_time(request, prospect_id: int):
    return _prospect(request, prospect_id).time_entries.all()


@router.post("/prospects/{int:prospect_id}/time-entries", response={201: TimeOut}, summary="Record time spent")
def add_time(request, prospect_id: int, payload: ProspectTimeIn):
    prospect = _prospect(request, prospect_id)
    return 201, services.log_time(prospect=prospect, by=request.auth, **payload.dict())


@router.post("/prospects/{int:prospect_id}/relationship-check", response=CheckOut,
             summary="Record the mutual long-term-relationship check")
def relationship_check(request, prospect_id: int, payload: CheckIn):
    from .qualification import relationship_concerns

    prospect = _prospect(request, prospect_id)
    data = payload.dict()
    check = services.record_check(prospect=prospect, by=request.auth, answers=data,
                                  based_on_version=data.pop("edit_version"))
    concerns = relationship_concerns(**{name: data[name] for name in (
        "contact", "shares_information", "accepts_fee", "horizon", "firm_can_meet", "firm_wants")})
    return {"mutual": check.mutual, "concerns": concerns, "recorded_at": check.recorded_at}


@router.post("/prospects/{int:prospect_id}/assign", response=ProspectOut,
             summary="Assign an adviser (round-robin by expertise and capacity when none is named)")
def assign(request, prospect_id: int, payload: AssignIn):
    prospect = _prospect(request, prospect_id)
    adviser = get_object_or_404(User.objects.filter(memberships__firm=request.auth.firm).distinct(),
                                pk=payload.adviser_id) if payload.adviser_id else None
    return services.assign(prospect=prospect, by=request.auth, adviser=adviser, note=payload.note)


def _score(prospect: Prospect) -> dict:
    from .models import RelationshipCheck

    firm = prospect.firm
    model = scoring.current_model(firm)
    check = RelationshipCheck.objects.filter(prospect=prospect).first()
    fit = scope_fit(needs=prospect.stated_needs, audience=prospect.audience, country=prospect.country,
                    scope=ServiceScope.objects.filter(firm=firm).first())
    why = scoring.why_no_score(prospect, model, today=timezone.localdate())
    return {"score": prospect.score, "override_score": prospect.override_score,
            "override_reason": prospect.override_reason, "shown": prospect.shown_score,
            "factors": prospect.score_factors, "scored_at": prospect.scored_at,
            "model_trained_at": model.trained_at if model else None, "fit": fit.status,
            "fit_reasons": [str(reason) for reason in fit.reasons],
            "relationship_check": "not_done" if check is None else ("mutual" if check.mutual else "not_mutual"),
            "why_no_score": why, "fit_exception": prospect.fit_exception}


@router.get("/prospects/{int:prospect_id}/score", response=ScoreOut, summary="Score, factors and qualification")
def get_score(request, prospect_id: int):
    return _score(_prospect(request, prospect_id))


@router.post("/prospects/{int:prospect_id}/score-override", response=ScoreOut,
             summary="Set the score by hand, with a reason (kept beside the computed score)")
def override_score(request, prospect_id: int, payload: OverrideIn):
    prospect = _prospect(request, prospect_id)
    prospect = services.override_score(prospect=prospect, by=request.auth, score=payload.score,
                                       reason=payload.reason)
    return _score(prospect)


@router.post("/prospects/{int:prospect_id}/fit-exception", response=ScoreOut,
             summary="Take a prospect on outside the service scope (managers, admins), with the reason")
def fit_exception(request, prospect_id: int, payload: FitExceptionIn):
    prospect = services.record_fit_exception(prospect=_prospect(request, prospect_id), by=request.auth,
                                             reason=payload.reason)
    return _score(prospect)


@router.get("/prospect-stages", response=list[StageOut], summary="The firm's stages")
def list_stages(request):
    _pipeline(request)
    services.ensure_pipeline(request.auth.firm)
    return Stage.objects.visible_to(request.auth)


@router.get("/lost-reasons", response=list[LostReasonOut], summary="The firm's lost reasons")
def list_lost_reasons(request):
    _pipeline(request)
    services.ensure_pipeline(request.auth.firm)
    return LostReason.objects.visible_to(request.auth)


@router.get("/prospect-sources", response=list[SourceOut], summary="Sources")
def list_sources(request):
    _pipeline(request)
    return Source.objects.visible_to(request.auth)


@router.post("/prospect-sources", response={201: SourceOut}, summary="Add a source")
def create_source(request, payload: SourceIn):
    _marketing(request)
    return 201, services.save_source(firm=request.auth.firm, by=request.auth, fields=payload.dict())


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns")
def list_campaigns(request):
    _pipeline(request)
    return Campaign.objects.visible_to(request.auth)


@router.post("/campaigns", response={201: CampaignOut}, summary="Add a campaign")
def create_campaign(request, payload: CampaignIn):
    _marketing(request)
    data = payload.dict()
    data["source"] = _firm_object(Source, request, data.pop("source_id"))
    return 201, services.save_campaign(firm=request.auth.firm, by=request.auth, fields=data)


class Period(Schema):
    start: datetime.date | None = None
    end: datetime.date | None = None


def _line(line, hourly, reasons) -> dict:
    return {"id": line.key, "name": line.label, "prospects": line.prospects, "adviser_hours": line.hours,
            "won": line.won, "lasting": line.lasting, "left_within_year": line.left_within_year,
            "not_yet_known": line.not_yet_known, "lost": line.lost, "open": line.open,
            "hours_lost": line.hours_lost, "cost_of_hours_lost": line.cost_lost(hourly),
            "campaign_cost": line.campaign_cost, "cost_per_lasting_client": line.cost_per_lasting_client(hourly),
            "lost_reasons": {reasons.get(pk, str(pk)): count for pk, count in line.lost_reasons.items()}}


@router.get("/prospects/report", response=MarketingReportOut, summary="Marketing report per source and campaign")
def report(request, period: Query[Period]):
    _marketing(request)
    today = timezone.localdate()
    start = period.start or years_later(today, -3)
    end = period.end or today
    if end < start:
        from django.core.exceptions import ValidationError

        raise ValidationError({"end": _("The end of the period lies after its start.")})
    data = marketing_report(firm=request.auth.firm, start=start, end=end, today=today)
    codes = dict(LostReason.objects.filter(firm=request.auth.firm).values_list("pk", "code"))
    hourly = data["hourly_cost"]
    return {"start": start, "end": end, "hourly_cost": hourly,
            "by_source": [_line(line, hourly, codes) for line in data["by_source"]],
            "by_campaign": [_line(line, hourly, codes) for line in data["by_campaign"]]}


@router.get("/scoring-model", response=ModelOut, summary="The current score's model card")
def model_card(request):
    _pipeline(request)
    firm = request.auth.firm
    model = scoring.current_model(firm)
    history = scoring.history(firm, today=timezone.localdate())
    if model is None:
        return {"trained_at": None, "rows": None, "positives": None, "metrics": {}, "calibration": [], "weights": [],
                "history": history}
    chosen = model.metrics.get("chosen", "additive")
    return {"trained_at": model.trained_at, "rows": model.rows, "positives": model.positives,
            "metrics": model.metrics, "calibration": model.calibration, "weights": model.weights,
            "history": history, "chosen": chosen, "method": scoring.candidate_label(chosen),
            "why_chosen": scoring.why_chosen(model.metrics)}


@router.post("/scoring-model/train", response={202: ScoringJobOut}, summary="Retrain the score (background job)")
def train(request):
    _marketing(request)
    firm = request.auth.firm
    if not scoring.history(firm, today=timezone.localdate())["enough"]:
        raise scoring.InsufficientHistory(_("Too little history to train a score yet."))
    job = start_job(firm=firm, by=request.auth, kind="prospect_score_training", title=_("Train the score"),
                    task=train_score, firm_id=firm.pk, user_id=request.auth.pk)
    return 202, {"job_id": job.pk}


@router.post("/scoring-model/rescore", response={202: ScoringJobOut},
             summary="Recompute the scores of open prospects in batches (background job)")
def rescore_all(request):
    _marketing(request)
    firm = request.auth.firm
    if scoring.current_model(firm) is None:
        raise scoring.InsufficientHistory(_("There is no trained score yet."))
    job = start_job(firm=firm, by=request.auth, kind="prospect_rescore", title=_("Recompute scores"), task=rescore,
                    firm_id=firm.pk)
    return 202, {"job_id": job.pk}
