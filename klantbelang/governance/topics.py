"""The dialogue space's use cases: open a topic, join, contribute, move a topic on, moderate, and a
client's opt-in. Every write notifies the other participants and leaves an audit event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.core.audit import diff, field_values, record_audit
from klantbelang.core.errors import Conflict
from klantbelang.core.needs import NeedType
from klantbelang.core.roles import STAFF_ROLES, Role

from . import privacy
from .models import Contribution, DialogueOptIn, Notification, Participant, Party, Signal, Topic, developer_provider
from .models.dialogue import party_of


def can_open(user) -> bool:
    """Staff of the firm open topics; a product developer once linked to their provider."""
    if not user.is_authenticated or user.firm is None:
        return False
    return user.has_any_role(STAFF_ROLES) or developer_provider(user) is not None


def can_steer(*, user, topic: Topic) -> bool:
    """Who moves a topic to its next stage: whoever opened it, and the firm's management."""
    return user.is_authenticated and user.firm is not None and user.firm.pk == topic.firm_id and (
        topic.opened_by_id == user.pk or user.has_any_role({Role.MANAGER, Role.ADMIN}))


def can_moderate(*, user, topic: Topic) -> bool:
    return user.is_authenticated and user.firm is not None and user.firm.pk == topic.firm_id and \
        user.has_any_role({Role.MANAGER, Role.ADMIN})


def _visible(topic: Topic, user) -> bool:
    return Topic.objects.visible_to(user).filter(pk=topic.pk).exists()


def _check_text(firm, errors: dict, **texts) -> None:
    for field, text in texts.items():
        problems = privacy.identifying_text(firm=firm, text=text)
        if problems:
            errors.setdefault(field, []).extend(problems)


@transaction.atomic
def open_topic(*, by, title: str, subject: str, question: str, product=None, need_type: str = "",
               provider=None, clients_invited: bool = False) -> Topic:
    """Open a topic and join it. A product developer's topic is about their own provider and
    always invites it; staff invite a provider (a product's own, or any for a need or a way of
    working) or none."""
    if not can_open(by):
        raise PermissionDenied
    firm = by.firm
    title, question = title.strip(), question.strip()
    errors: dict = {}
    own = developer_provider(by)
    if subject not in Topic.Subject.values:
        errors["subject"] = [_("Choose what the topic is about.")]
    if subject == Topic.Subject.PRODUCT:
        if product is None or product.firm_id != firm.pk:
            errors["product"] = [_("Choose a product of our shelf.")]
        elif own is not None and product.provider_id != own.pk:
            errors["product"] = [_("Choose one of your own products.")]
    else:
        product = None
    if subject == Topic.Subject.NEED and need_type not in NeedType.values:
        errors["need_type"] = [_("Choose the need the topic is about.")]
    if subject != Topic.Subject.NEED:
        need_type = ""
    if own is not None:
        provider = own
    elif provider is not None and provider.firm_id != firm.pk:
        errors["provider"] = [_("Choose a provider of this firm.")]
    if not title:
        errors["title"] = [_("Give the topic a title.")]
    if not question:
        errors["question"] = [_("Say what you want to find out together.")]
    _check_text(firm, errors, title=title, question=question)
    if errors:
        raise ValidationError(errors)
    topic = Topic.objects.create(firm=firm, title=title[:200], subject=subject, product=product, need_type=need_type,
                                 question=question[:5000], provider=provider, clients_invited=clients_invited,
                                 opened_by=by)
    _join(topic, by)
    record_audit(actor=by, action="topic.opened", obj=topic,
                 changes={"title": {"before": None, "after": topic.title},
                          "provider": {"before": None, "after": provider.name if provider else None}})
    return topic


def _join(topic: Topic, user) -> Participant:
    existing = Participant.objects.filter(topic=topic, user=user).first()
    if existing is not None:
        return existing
    party = party_of(user)
    number = None
    if party == Party.CLIENT:
        Topic.objects.select_for_update().filter(pk=topic.pk).first()  # numbers handed out one at a time
        number = (Participant.objects.filter(topic=topic).aggregate(most=Max("client_number"))["most"] or 0) + 1
    return Participant.objects.create(topic=topic, user=user, party=party, client_number=number)


@transaction.atomic
def join(*, topic: Topic, by) -> Participant:
    if not _visible(topic, by) or party_of(by) is None:
        raise PermissionDenied
    return _join(topic, by)


@transaction.atomic
def contribute(*, topic: Topic, by, kind: str, text: str) -> Contribution:
    """Add an observation, need, idea, experiment proposal or result; joins the topic if needed."""
    if not _visible(topic, by) or party_of(by) is None:
        raise PermissionDenied
    text = text.strip()
    errors: dict = {}
    if kind not in Contribution.Kind.values:
        errors["kind"] = [_("Choose what kind of contribution this is.")]
    if not text:
        errors["text"] = [_("Write your contribution.")]
    _check_text(topic.firm, errors, text=text)
    if errors:
        raise ValidationError(errors)
    participant = _join(topic, by)
    contribution = Contribution.objects.create(topic=topic, participant=participant, kind=kind, text=text[:5000])
    _notify(topic, actor=by, kind=Notification.Kind.CONTRIBUTION, contribution=contribution)
    record_audit(actor=by, action="topic.contribution", obj=topic,
                 changes={"kind": {"before": None, "after": kind}, "contribution": {"before": None,
                                                                                   "after": contribution.pk}})
    return contribution


@transaction.atomic
def advance(*, topic: Topic, by, expected_stage: str, decision: str = "", decision_signal: Signal | None = None,
            decision_change: str = "") -> Topic:
    """Move the topic one stage on. A proposal needs an idea or an experiment proposal on the
    table; a decision says what was decided and links to what changed (a signal the manufacturer
    answered, or how the firm now works). ``expected_stage`` is the stage the person saw: if the
    topic moved meanwhile, nothing happens and they are told."""
    if not can_steer(user=by, topic=topic):
        raise PermissionDenied
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.stage != expected_stage:
        raise Conflict(_("Meanwhile the topic moved to the stage “%(stage)s”; look again before you move it on.")
                       % {"stage": topic.get_stage_display()})
    target = topic.next_stage
    errors: dict = {}
    if target is None:
        errors["stage"] = [_("The topic is in its last stage.")]
    elif target == Topic.Stage.PROPOSAL and not topic.contributions.filter(
            kind__in=[Contribution.Kind.IDEA, Contribution.Kind.EXPERIMENT], hidden_at__isnull=True).exists():
        errors["stage"] = [_("A proposal needs an idea or an experiment proposal among the contributions.")]
    elif target == Topic.Stage.DECISION:
        decision, decision_change = decision.strip(), decision_change.strip()
        if not decision:
            errors["decision"] = [_("Write down what was decided.")]
        if decision_signal is not None and (decision_signal.firm_id != topic.firm_id
                                            or not decision_signal.answers.exists()):
            errors["decision_signal"] = [_("Choose a signal of ours that the manufacturer answered.")]
        if decision_signal is None and not decision_change:
            errors["decision_change"] = [_("Link the decision to what changed: a signal the manufacturer "
                                           "answered, or how we work now.")]
        _check_text(topic.firm, errors, decision=decision, decision_change=decision_change)
    if errors:
        raise ValidationError(errors)
    before = field_values(topic, ["stage", "decision", "decision_signal", "decision_change"])
    topic.stage, topic.stage_changed_at = target, timezone.now()
    if target == Topic.Stage.DECISION:
        topic.decision, topic.decision_signal, topic.decision_change = decision[:5000], decision_signal, \
            decision_change[:5000]
        topic.decided_by, topic.decided_at = by, topic.stage_changed_at
    topic.save()
    _join(topic, by)
    _notify(topic, actor=by, kind=Notification.Kind.STAGE)
    record_audit(actor=by, action="topic.advanced", obj=topic,
                 changes=diff(before, field_values(topic, ["stage", "decision", "decision_signal",
                                                           "decision_change"])))
    return topic


@transaction.atomic
def hide(*, contribution: Contribution, by, reason: str) -> Contribution:
    """Moderation: the firm hides a contribution, with the reason shown in its place."""
    if not can_moderate(user=by, topic=contribution.topic):
        raise PermissionDenied
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the contribution is hidden.")})
    if contribution.hidden_at is not None:
        raise ValidationError({"reason": _("This contribution is hidden already.")})
    contribution.hidden_reason, contribution.hidden_by, contribution.hidden_at = reason[:300], by, timezone.now()
    contribution.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
    record_audit(actor=by, action="topic.contribution_hidden", obj=contribution.topic,
                 changes={"contribution": {"before": contribution.pk, "after": None},
                          "reason": {"before": None, "after": contribution.hidden_reason}})
    return contribution


def _notify(topic: Topic, *, actor, kind: str, contribution: Contribution | None = None) -> None:
    users = Participant.objects.filter(topic=topic).exclude(user=actor).values_list("user", flat=True)
    Notification.objects.bulk_create([Notification(user_id=user, topic=topic, kind=kind, contribution=contribution)
                                       for user in users])


def mark_read(*, user, topic: Topic | None = None) -> int:
    notifications = Notification.objects.visible_to(user).unread()
    if topic is not None:
        notifications = notifications.filter(topic=topic)
    return notifications.update(read_at=timezone.now())


@transaction.atomic
def opt_in(*, by, show_name: bool) -> DialogueOptIn:
    """A client takes part in dialogues (from the portal), pseudonymous unless they choose otherwise."""
    if not (by.is_authenticated and by.has_role(Role.CLIENT) and by.firm is not None):
        raise PermissionDenied
    choice, created = DialogueOptIn.objects.update_or_create(user=by, defaults={"firm": by.firm,
                                                                                "show_name": show_name})
    record_audit(actor=by, action="dialogue.opted_in", obj=choice, firm=by.firm,
                 changes={"show_name": {"before": None if created else not show_name, "after": show_name}})
    return choice


@transaction.atomic
def opt_out(*, by) -> None:
    if not (by.is_authenticated and by.has_role(Role.CLIENT) and by.firm is not None):
        raise PermissionDenied
    choice = DialogueOptIn.objects.filter(user=by).first()
    if choice is not None:
        record_audit(actor=by, action="dialogue.opted_out", obj=choice, firm=by.firm,
                     changes={"opted_in": {"before": True, "after": False}})
        choice.delete()


def shown_name(participant: Participant, *, names_shown: set[int]) -> str:
    """How a participant appears to everyone: a client by pseudonym unless they chose their name."""
    if participant.party == Party.CLIENT and participant.user_id not in names_shown:
        return _("Client %(number)s") % {"number": participant.client_number}
    return participant.user.full_name


def conversation(topic: Topic) -> tuple[list[tuple[Participant, str]], list[tuple[Contribution, str]]]:
    """The topic's participants and contributions, each with the name everyone sees (three queries)."""
    participants = list(topic.participants.select_related("user"))
    names_shown = set(DialogueOptIn.objects.filter(user__in=[item.user_id for item in participants],
                                                   show_name=True).values_list("user", flat=True))
    names = {item.pk: shown_name(item, names_shown=names_shown) for item in participants}
    by_pk = {item.pk: item for item in participants}
    contributions = []
    for item in topic.contributions.all():
        item.participant = by_pk[item.participant_id]
        contributions.append((item, names[item.participant_id]))
    return [(item, names[item.pk]) for item in participants], contributions
