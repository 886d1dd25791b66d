"""REST for what the firm shares with manufacturers, the manufacturer's side, and the dialogue space."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from klantbelang.accounts.models import User
from klantbelang.core.access import access
from klantbelang.core.roles import Role
from klantbelang.products.models import Product, Provider

from . import services, sharing, topics
from .models import Contribution, DistributorReport, Notification, ProviderDeveloper, Signal, Topic
from .models.dialogue import party_of

router = Router(tags=["dialogue and manufacturers"])


# What the firm shares ------------------------------------------------------------------------------

class ShareIn(Schema):
    summary: str = Field(min_length=1, max_length=5000)
    provider_id: int | None = None


class SharedOut(Schema):
    id: int
    shared_with: str
    shared_summary: str
    shared_clients: int
    shared_at: datetime.datetime

    @staticmethod
    def resolve_shared_with(obj):
        return obj.shared_with.name


@router.post("/signals/{int:signal_id}/share", response=SharedOut, summary="Share an accepted signal with its maker")
def share(request, signal_id: int, payload: ShareIn):
    signal = access(Signal, user=request.auth, pk=signal_id, queryset=Signal.objects.select_related("provider"))
    provider = None
    if payload.provider_id is not None:
        provider = get_object_or_404(Provider.objects.filter(firm=request.auth.firm), pk=payload.provider_id)
    return sharing.share_signal(signal=signal, by=request.auth, summary=payload.summary, provider=provider)


class DeveloperOut(Schema):
    user_id: int
    email: str
    provider_id: int
    provider: str

    @staticmethod
    def resolve_email(obj):
        return obj.user.email

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name


class DeveloperIn(Schema):
    user_id: int
    provider_id: int


@router.get("/product-developers", response=list[DeveloperOut], summary="Which provider each developer works for")
def list_developers(request):
    if not sharing.can_link_developers(request.auth):
        raise PermissionDenied
    return ProviderDeveloper.objects.visible_to(request.auth).select_related("user", "provider")


@router.post("/product-developers", response=DeveloperOut, summary="Link a product developer to a provider")
def link_developer(request, payload: DeveloperIn):
    if not sharing.can_link_developers(request.auth):
        raise PermissionDenied
    user = get_object_or_404(User.objects.filter(memberships__firm=request.auth.firm).distinct(), pk=payload.user_id)
    provider = get_object_or_404(Provider.objects.filter(firm=request.auth.firm), pk=payload.provider_id)
    return sharing.link_developer(user=user, provider=provider, by=request.auth)


# The manufacturer's side ---------------------------------------------------------------------------

class AnswerOut(Schema):
    text: str
    answered_at: datetime.datetime


class ManufacturerSignalOut(Schema):
    """A shared signal as the manufacturer sees it: ``clients`` is null below five."""

    id: int
    category: str
    source: str
    product_code: str | None
    need_type: str
    segment: str
    clients: int | None
    summary: str
    shared_at: datetime.datetime
    answers: list[AnswerOut]

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code if obj.product_id else None

    @staticmethod
    def resolve_clients(obj):
        return obj.shared_clients_shown

    @staticmethod
    def resolve_summary(obj):
        return obj.shared_summary

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())


class AnswerIn(Schema):
    text: str = Field(min_length=1, max_length=10000)


def _developer(request):
    if not request.auth.has_role(Role.PRODUCT_DEVELOPER):
        raise PermissionDenied


@router.get("/manufacturer/signals", response=list[ManufacturerSignalOut], summary="Signals shared with my provider")
def manufacturer_signals(request):
    _developer(request)
    return Signal.objects.shared_with_developer(request.auth).select_related("product").prefetch_related("answers")


@router.get("/manufacturer/signals/{int:signal_id}", response=ManufacturerSignalOut, summary="One shared signal")
def manufacturer_signal(request, signal_id: int):
    _developer(request)
    return get_object_or_404(Signal.objects.shared_with_developer(request.auth).select_related("product"),
                             pk=signal_id)


@router.post("/manufacturer/signals/{int:signal_id}/answers", response={201: ManufacturerSignalOut},
             summary="Answer a shared signal")
def answer(request, signal_id: int, payload: AnswerIn):
    _developer(request)
    signal = get_object_or_404(Signal.objects.shared_with_developer(request.auth).select_related("product"),
                               pk=signal_id)
    sharing.answer_signal(signal=signal, by=request.auth, text=payload.text)
    return 201, signal


class ManufacturerReportOut(Schema):
    id: int
    start: datetime.date
    end: datetime.date
    sent_at: datetime.datetime
    data: dict
    responses: list[dict]

    @staticmethod
    def resolve_responses(obj):
        return [{"item": answer.item, "text": answer.text, "recorded_at": answer.recorded_at.isoformat(),
                 "by_manufacturer": answer.by_manufacturer} for answer in obj.responses.all()]


class ManufacturerResponseIn(Schema):
    item: str = Field(max_length=160)
    text: str = Field(min_length=1, max_length=10000)


@router.get("/manufacturer/reports", response=list[ManufacturerReportOut], summary="Reports sent to my provider")
def manufacturer_reports(request):
    _developer(request)
    return DistributorReport.objects.sent_to_developer(request.auth).prefetch_related("responses")


@router.get("/manufacturer/reports/{int:report_id}", response=ManufacturerReportOut, summary="One sent report")
def manufacturer_report(request, report_id: int):
    _developer(request)
    return get_object_or_404(DistributorReport.objects.sent_to_developer(request.auth), pk=report_id)


@router.post("/manufacturer/reports/{int:report_id}/responses", response={201: ManufacturerReportOut},
             summary="Respond to one item of a sent report")
def manufacturer_respond(request, report_id: int, payload: ManufacturerResponseIn):
    _developer(request)
    report = get_object_or_404(DistributorReport.objects.sent_to_developer(request.auth), pk=report_id)
    services.record_response(report=report, by=request.auth, item=payload.item, text=payload.text)
    return 201, report


# The dialogue space ---------------------------------------------------------------------------------

class TopicOut(Schema):
    id: int
    title: str
    subject: str
    product_code: str | None
    need_type: str
    question: str
    provider_id: int | None
    clients_invited: bool
    stage: str
    decision: str
    decision_signal_id: int | None
    decision_change: str
    opened_at: datetime.datetime
    stage_changed_at: datetime.datetime

    @staticmethod
    def resolve_product_code(obj):
        if isinstance(obj, dict):  # a topic's detail, already put together by _detail()
            return obj["product_code"]
        return obj.product.code if obj.product_id else None


class ParticipantOut(Schema):
    name: str
    party: str


class ContributionOut(Schema):
    id: int
    kind: str
    text: str | None
    hidden_reason: str
    author: str
    party: str
    created_at: datetime.datetime


class TopicDetailOut(TopicOut):
    participants: list[ParticipantOut]
    contributions: list[ContributionOut]


class TopicIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    subject: str = Field(pattern="^(product|need|way_of_working)$")
    question: str = Field(min_length=1, max_length=5000)
    product_code: str | None = Field(default=None, max_length=40)
    need_type: str = Field(default="", max_length=40)
    provider_id: int | None = None
    clients_invited: bool = False


class TopicFilters(Schema):
    stage: str | None = Field(default=None, pattern="^(exploring|proposal|decision|follow_up)$")


class ContributionIn(Schema):
    kind: str = Field(pattern="^(observation|need|idea|experiment|result)$")
    text: str = Field(min_length=1, max_length=5000)


class AdvanceIn(Schema):
    expected_stage: str = Field(pattern="^(exploring|proposal|decision|follow_up)$")
    decision: str = Field(default="", max_length=5000)
    decision_signal_id: int | None = None
    decision_change: str = Field(default="", max_length=5000)


class HideIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class NotificationOut(Schema):
    id: int
    topic_id: int
    kind: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class OptInIn(Schema):
    show_name: bool = False


class OptInOut(Schema):
    show_name: bool
    opted_in_at: datetime.datetime


def _taking_part(request):
    if party_of(request.auth) is None:
        raise PermissionDenied


def _detail(topic: Topic) -> dict:
    participants, contributions = topics.conversation(topic)
    return {
        **{name: getattr(topic, name) for name in TopicOut.model_fields if name != "product_code"},
        "product_code": topic.product.code if topic.product_id else None,
        "participants": [{"name": name, "party": item.party} for item, name in participants],
        "contributions": [{"id": item.pk, "kind": item.kind, "text": None if item.hidden_at else item.text,
                           "hidden_reason": item.hidden_reason, "author": name, "party": item.participant.party,
                           "created_at": item.created_at} for item, name in contributions],
    }


@router.get("/topics", response=list[TopicOut], summary="Dialogue topics I may see")
def list_topics(request, filters: Query[TopicFilters]):
    _taking_part(request)
    shown = Topic.objects.visible_to(request.auth).select_related("product")
    return shown.filter(stage=filters.stage) if filters.stage else shown


@router.post("/topics", response={201: TopicDetailOut}, summary="Open a dialogue topic")
def open_topic(request, payload: TopicIn):
    if not topics.can_open(request.auth):
        raise PermissionDenied
    product = provider = None
    if payload.product_code:
        product = get_object_or_404(Product.objects.filter(firm=request.auth.firm), code=payload.product_code)
    if payload.provider_id is not None:
        provider = get_object_or_404(Provider.objects.filter(firm=request.auth.firm), pk=payload.provider_id)
    topic = topics.open_topic(by=request.auth, title=payload.title, subject=payload.subject,
                              question=payload.question, product=product, need_type=payload.need_type,
                              provider=provider, clients_invited=payload.clients_invited)
    return 201, _detail(topic)


@router.get("/topics/{int:topic_id}", response=TopicDetailOut, summary="A topic, its participants and contributions")
def get_topic(request, topic_id: int):
    topic = access(Topic, user=request.auth, pk=topic_id, queryset=Topic.objects.select_related("product"))
    return _detail(topic)


@router.post("/topics/{int:topic_id}/join", response=TopicDetailOut, summary="Take part in a topic")
def join(request, topic_id: int):
    topic = access(Topic, user=request.auth, pk=topic_id, queryset=Topic.objects.select_related("product"))
    topics.join(topic=topic, by=request.auth)
    return _detail(topic)


@router.post("/topics/{int:topic_id}/contributions", response={201: TopicDetailOut}, summary="Contribute to a topic")
def contribute(request, topic_id: int, payload: ContributionIn):
    topic = access(Topic, user=request.auth, pk=topic_id, queryset=Topic.objects.select_related("product"))
    topics.contribute(topic=topic, by=request.auth, kind=payload.kind, text=payload.text)
    return 201, _detail(topic)


@router.post("/topics/{int:topic_id}/advance", response=TopicDetailOut, summary="Move a topic to its next stage")
def advance(request, topic_id: int, payload: AdvanceIn):
    topic = access(Topic, user=request.auth, pk=topic_id, queryset=Topic.objects.select_related("product"))
    signal = None
    if payload.decision_signal_id is not None:
        signal = Signal.objects.filter(firm=topic.firm_id, pk=payload.decision_signal_id).first()
        if signal is None:
            raise ValidationError({"decision_signal_id": _("There is no signal with this number.")})
    topic = topics.advance(topic=topic, by=request.auth, expected_stage=payload.expected_stage,
                           decision=payload.decision, decision_signal=signal, decision_change=payload.decision_change)
    return _detail(topic)


@router.post("/contributions/{int:contribution_id}/hide", response=ContributionOut,
             summary="Moderation: hide a contribution with a reason")
def hide(request, contribution_id: int, payload: HideIn):
    contribution = access(Contribution, user=request.auth, pk=contribution_id,
                          queryset=Contribution.objects.select_related("topic"))
    contribution = topics.hide(contribution=contribution, by=request.auth, reason=payload.reason)
    return next(item for item in _detail(contribution.topic)["contributions"] if item["id"] == contribution.pk)


@router.get("/notifications", response=list[NotificationOut], summary="My dialogue notifications, newest first")
def list_notifications(request):
    return Notification.objects.visible_to(request.auth)[:200]


class ReadOut(Schema):
    marked: int


@router.post("/notifications/read", response=ReadOut, summary="Mark all my notifications as read")
def read_notifications(request):
    return {"marked": topics.mark_read(user=request.auth)}


@router.put("/dialogue/opt-in", response=OptInOut, summary="A client takes part in dialogues")
def opt_in(request, payload: OptInIn):
    return topics.opt_in(by=request.auth, show_name=payload.show_name)


@router.delete("/dialogue/opt-in", response={204: None}, summary="A client stops taking part in dialogues")
def opt_out(request):
    topics.opt_out(by=request.auth)
    return 204, None

