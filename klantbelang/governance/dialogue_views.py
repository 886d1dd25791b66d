from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.errors import Conflict
from klantbelang.core.forms import add_service_errors
from klantbelang.core.roles import Role

from . import topics
from .dialogue_forms import AdvanceForm, ContributionForm, HideForm, OptInForm, TopicForm
from .models import Contribution, DialogueOptIn, Notification, Participant, Topic, developer_provider
from .models.dialogue import party_of


def topic_list(request):
    if party_of(request.user) is None:
        raise PermissionDenied
    stage = request.GET.get("stage", "")
    visible = Topic.objects.visible_to(request.user)
    shown = visible.filter(stage=stage) if stage in Topic.Stage.values else visible
    unread = Notification.objects.visible_to(request.user).unread()
    return TemplateResponse(request, "governance/topic_list.html", {
        "topics": shown.select_related("product", "provider").annotate(
            contribution_count=Count("contributions", distinct=True),
            unread=Count("notifications", filter=Q(notifications__in=unread), distinct=True))[:200],
        "stage": stage, "stages": Topic.Stage.choices, "can_open": topics.can_open(request.user),
        "opted_in": not request.user.has_role(Role.CLIENT) or DialogueOptIn.objects.filter(
            user=request.user).exists()})


def topic_new(request):
    if not topics.can_open(request.user):
        raise PermissionDenied
    own = developer_provider(request.user)
    form = TopicForm(request.POST or None, firm=request.firm, developer_provider=own,
                     initial={"product": request.GET.get("product", ""), "subject": request.GET.get("subject", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = topics.open_topic(by=request.user, title=data["title"], subject=data["subject"],
                                      question=data["question"], product=data["product"],
                                      need_type=data["need_type"], provider=data.get("provider"),
                                      clients_invited=data["clients_invited"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("governance:topic_detail", pk=topic.pk)
    return TemplateResponse(request, "governance/topic_new.html", {"form": form})


def topic_detail(request, pk):
    topic = access(Topic, user=request.user, pk=pk, queryset=Topic.objects.select_related(
        "product", "provider", "decision_signal", "opened_by", "decided_by"))
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topics.contribute(topic=topic, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your contribution."))
            return redirect("governance:topic_detail", pk=topic.pk)
    topics.mark_read(user=request.user, topic=topic)
    return TemplateResponse(request, "governance/topic_detail.html", _context(request, topic, form=form))


def _context(request, topic, *, form=None, advance_form=None):
    participants, contributions = topics.conversation(topic)
    return {
        "topic": topic, "form": form or ContributionForm(),
        "participants": participants, "contributions": contributions,
        "can_steer": topics.can_steer(user=request.user, topic=topic),
        "can_moderate": topics.can_moderate(user=request.user, topic=topic),
        "advance_form": advance_form or AdvanceForm(firm=request.firm, initial={"expected_stage": topic.stage}),
        "is_participant": any(item.user_id == request.user.pk for item, _name in participants),
        "kinds": Contribution.Kind.choices,
        "signal_url": _signal_url(request.user, topic.decision_signal) if topic.decision_signal_id else "",
    }


def _signal_url(user, signal) -> str:
    """Where this person reads the signal a decision links to, if they may read it at all."""
    from django.urls import reverse

    from .models import STAFF, Signal

    if user.has_any_role(STAFF):
        return reverse("governance:signal_detail", args=[signal.pk])
    if Signal.objects.shared_with_developer(user).filter(pk=signal.pk).exists():
        return reverse("governance:provider_signal", args=[signal.pk])
    return ""


@require_POST
def topic_join(request, pk):
    topic = access(Topic, user=request.user, pk=pk)
    topics.join(topic=topic, by=request.user)
    messages.success(request, _("You take part in this topic and hear when it moves on."))
    return redirect("governance:topic_detail", pk=topic.pk)


@require_POST
def topic_advance(request, pk):
    topic = access(Topic, user=request.user, pk=pk, queryset=Topic.objects.select_related("product", "provider"))
    if not topics.can_steer(user=request.user, topic=topic):
        raise PermissionDenied
    form = AdvanceForm(request.POST, firm=request.firm)
    if form.is_valid():
        try:
            topics.advance(topic=topic, by=request.user, **form.cleaned_data)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("governance:topic_detail", pk=topic.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            topic.refresh_from_db()
            messages.success(request, _("The topic moved to the stage “%(stage)s”.") % {
                "stage": topic.get_stage_display()})
            return redirect("governance:topic_detail", pk=topic.pk)
    return TemplateResponse(request, "governance/topic_detail.html", _context(request, topic, advance_form=form),
                            status=200)


@require_POST
def contribution_hide(request, pk):
    contribution = access(Contribution, user=request.user, pk=pk,
                          queryset=Contribution.objects.select_related("topic"))
    form = HideForm(request.POST)
    if not topics.can_moderate(user=request.user, topic=contribution.topic):
        raise PermissionDenied
    if form.is_valid():
        try:
            topics.hide(contribution=contribution, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The contribution is hidden."))
    else:
        messages.error(request, _("Say why the contribution is hidden."))
    return redirect("governance:topic_detail", pk=contribution.topic_id)


def notifications(request):
    if request.method == "POST":
        topics.mark_read(user=request.user)
        return redirect("governance:notifications")
    return TemplateResponse(request, "governance/notifications.html", {
        "notifications": Notification.objects.visible_to(request.user).select_related("topic")[:100]})


def portal(request):
    """A client chooses whether to take part in the firm's dialogues, and how they are shown."""
    if not request.user.has_role(Role.CLIENT):
        raise PermissionDenied
    choice = DialogueOptIn.objects.filter(user=request.user).first()
    form = OptInForm(request.POST or None, initial={"show_name": choice.show_name if choice else False})
    if request.method == "POST":
        if "withdraw" in request.POST:
            topics.opt_out(by=request.user)
            messages.success(request, _("You no longer take part in dialogues."))
            return redirect("governance:portal")
        if form.is_valid():
            topics.opt_in(by=request.user, show_name=form.cleaned_data["show_name"])
            messages.success(request, _("Thank you: you now see the topics open to clients."))
            return redirect("governance:topic_list")
    return TemplateResponse(request, "governance/portal.html", {
        "form": form, "choice": choice,
        "joined": Participant.objects.filter(user=request.user).select_related("topic")})
