import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.dates import years_later
from klantbelang.core.errors import DomainError
from klantbelang.core.forms import add_service_errors, number_param
from klantbelang.core.i18n import language_key
from klantbelang.core.jobs import start_job
from klantbelang.core.spreadsheets import safe_cell

from . import scoring, services
from .features import feature_labels
from .forms import (
    AssignForm,
    CampaignForm,
    CapacityForm,
    EndForm,
    FitExceptionForm,
    LostReasonForm,
    MoveForm,
    OverrideForm,
    PeriodForm,
    ProspectFilter,
    ProspectForm,
    RelationshipCheckForm,
    ScopeForm,
    SourceForm,
    StageNamesForm,
    TimeForm,
)
from .models import (
    OPEN_KINDS,
    AdviserCapacity,
    Campaign,
    LostReason,
    Prospect,
    ServiceScope,
    Source,
    Stage,
    StageKind,
)
from .permissions import can_edit_prospect, can_manage_marketing, can_set_scope, can_work_pipeline
from .qualification import relationship_concerns, scope_fit
from .reports import marketing_report
from .tasks import rescore, train_score

CLOSED_ON_BOARD_DAYS = 90


def _pipeline_user(request):
    if not can_work_pipeline(user=request.user):
        raise PermissionDenied


def _prospect(request, pk) -> Prospect:
    return access(Prospect, user=request.user, pk=pk, queryset=Prospect.objects.select_related(
        "stage", "source", "campaign", "adviser", "owner", "lost_reason", "client", "firm", "override_by"))


def _board_context(request):
    firm = request.firm
    scope = services.ensure_pipeline(firm)
    prospects = Prospect.objects.visible_to(request.user).select_related("source", "adviser", "stage")
    since = timezone.now() - datetime.timedelta(days=CLOSED_ON_BOARD_DAYS)
    prospects = prospects.exclude(stage__kind__in=[StageKind.WON, StageKind.LOST], stage_entered_at__lt=since)
    source = number_param(request.GET.get("source") or request.POST.get("filter_source"))
    if source:
        prospects = prospects.filter(source_id=source)
    if (request.GET.get("mine") or request.POST.get("filter_mine")) == "1":
        prospects = prospects.filter(adviser=request.user)
    stages = list(Stage.objects.filter(firm=firm))
    columns = {stage.pk: [] for stage in stages}
    for prospect in prospects.order_by("-stage_entered_at", "pk")[:600]:
        fit = scope_fit(needs=prospect.stated_needs, audience=prospect.audience, country=prospect.country,
                        scope=scope)
        # The board says why a card cannot move past qualification (services.move).
        prospect.out_of_scope = [str(reason) for reason in fit.reasons] if fit.status == "out" else []
        columns[prospect.stage_id].append(prospect)
    return {"columns": [(stage, columns[stage.pk]) for stage in stages],
            "sources": Source.objects.filter(firm=firm), "lost_reasons": LostReason.objects.filter(
                firm=firm, active=True), "source": str(source or ""), "mine": request.GET.get("mine") == "1",
            "closed_days": CLOSED_ON_BOARD_DAYS}


def board(request):
    _pipeline_user(request)
    template = "prospects/board.html#board" if request.htmx else "prospects/board.html"
    return TemplateResponse(request, template, _board_context(request))


def prospect_list(request):
    _pipeline_user(request)
    services.ensure_pipeline(request.firm)
    queryset = Prospect.objects.visible_to(request.user).select_related("stage", "source", "adviser")
    prospect_filter = ProspectFilter(request.GET or None, queryset=queryset, firm=request.firm)
    prospects = prospect_filter.qs if prospect_filter.is_bound and prospect_filter.is_valid() else queryset
    return TemplateResponse(request, "prospects/prospect_list.html", {
        "filter": prospect_filter, "prospects": prospects[:300], "count": prospects.count()})


def prospect_create(request):
    _pipeline_user(request)
    services.ensure_pipeline(request.firm)
    form = ProspectForm(request.POST or None, firm=request.firm)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "edit_version"}
        try:
            prospect = services.create_prospect(firm=request.firm, by=request.user, fields=fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The prospect was added."))
            return redirect("prospects:detail", pk=prospect.pk)
    return TemplateResponse(request, "prospects/prospect_form.html", {"form": form})


def prospect_edit(request, pk):
    prospect = _prospect(request, pk)
    if not can_edit_prospect(user=request.user, prospect=prospect):
        raise PermissionDenied
    form = ProspectForm(request.POST or None, instance=prospect, firm=request.firm)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "edit_version"}
        try:
            services.update_prospect(prospect=prospect, by=request.user, fields=fields,
                                     based_on_version=form.cleaned_data.get("edit_version"))
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The prospect was saved."))
            return redirect("prospects:detail", pk=prospect.pk)
    return TemplateResponse(request, "prospects/prospect_form.html", {"form": form, "prospect": prospect})


def detail(request, pk):
    prospect = _prospect(request, pk)
    firm = prospect.firm
    scope = ServiceScope.objects.filter(firm=firm).first()
    check = getattr(prospect, "relationship_check", None) if hasattr(prospect, "relationship_check") else None
    model = scoring.current_model(firm)
    history = None if model else scoring.history(firm, today=timezone.localdate())
    language = language_key()
    entries = list(prospect.time_entries.select_related("user"))
    return TemplateResponse(request, "prospects/detail.html", {
        "prospect": prospect, "can_edit": can_edit_prospect(user=request.user, prospect=prospect),
        "fit": scope_fit(needs=prospect.stated_needs, audience=prospect.audience, country=prospect.country,
                         scope=scope),
        "check": check, "concerns": relationship_concerns(**{
            name: getattr(check, name) for name in ("contact", "shares_information", "accepts_fee", "horizon",
                                                    "firm_can_meet", "firm_wants")}) if check else [],
        "check_form": RelationshipCheckForm(instance=check, initial={"edit_version": prospect.edit_version}),
        "may_except": request.user.has_any_role({"manager", "admin"}), "fit_exception_form": FitExceptionForm(
            initial={"reason": prospect.fit_exception}),
        "model": model, "history": history, "minimum": scoring.MINIMUM_PER_OUTCOME,
        "why_no_score": scoring.why_no_score(prospect, model, today=timezone.localdate()) if model else "",
        "factors": [{"text": item[f"text_{language}"], "effect": item["effect"]} for item in prospect.score_factors],
        "move_form": MoveForm(firm=firm, initial={"edit_version": prospect.edit_version}),
        "time_form": TimeForm(initial={"on": timezone.localdate(), "activity": "call"}),
        "assign_form": AssignForm(firm=firm), "candidates": services.assignment_candidates(prospect)
        if prospect.stage.is_open else [],
        "override_form": OverrideForm(initial={"score": round(prospect.override_score * 100)
                                               if prospect.override_score is not None else None,
                                               "reason": prospect.override_reason}),
        "end_form": EndForm(), "changes": prospect.stage_changes.select_related("from_stage", "to_stage", "by"),
        "entries": entries, "minutes": sum(entry.minutes for entry in entries),
    })


def _redisplay(request, prospect, error):
    messages.error(request, " ".join(_messages(error)))
    return redirect("prospects:detail", pk=prospect.pk)


def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return [message for messages_ in getattr(error, "message_dict", {"": error.messages}).values()
                for message in messages_]
    return [str(error.message)]


@require_POST
def move(request, pk):
    prospect = _prospect(request, pk)
    form = MoveForm(request.POST, firm=prospect.firm)
    error = None
    if form.is_valid():
        try:
            services.move(prospect=prospect, to=form.cleaned_data["stage"], by=request.user,
                          lost_reason=form.cleaned_data["lost_reason"], note=form.cleaned_data["note"],
                          based_on_version=form.cleaned_data["edit_version"])
        except (ValidationError, DomainError) as exc:
            error = " ".join(_messages(exc))
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    if request.htmx:
        context = _board_context(request)
        context["error"] = error
        return TemplateResponse(request, "prospects/board.html#board", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The prospect was moved."))
    return redirect("prospects:detail", pk=prospect.pk)


def _action(request, pk, form_class, act, *, invalid_message=None, **form_kwargs):
    """A POST from the prospect page: validate the form, call the service, say what happened and
    go back to the page. ``act(prospect, cleaned_data)`` returns the success message."""
    prospect = _prospect(request, pk)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        if invalid_message:
            messages.error(request, invalid_message)
            return redirect("prospects:detail", pk=prospect.pk)
        return _redisplay(request, prospect, ValidationError(dict(form.errors)))
    try:
        level, text = act(prospect, form.cleaned_data)
    except (ValidationError, DomainError) as error:
        return _redisplay(request, prospect, error)
    messages.add_message(request, level, text)
    return redirect("prospects:detail", pk=prospect.pk)


@require_POST
def relationship_check(request, pk):
    def act(prospect, data):
        check = services.record_check(prospect=prospect, by=request.user, answers=data,
                                      based_on_version=data.get("edit_version"))
        if check.mutual:
            return messages.SUCCESS, _("Both sides want a long-term relationship.")
        return messages.WARNING, _("The check was recorded: no mutual long-term relationship yet.")

    return _action(request, pk, RelationshipCheckForm, act,
                   invalid_message=_("Answer every question of the relationship check."))


@require_POST
def log_time(request, pk):
    def act(prospect, data):
        services.log_time(prospect=prospect, by=request.user, **data)
        return messages.SUCCESS, _("The time was recorded.")

    return _action(request, pk, TimeForm, act)


@require_POST
def assign(request, pk):
    def act(prospect, data):
        prospect = services.assign(prospect=prospect, by=request.user, adviser=data["adviser"], note=data["note"])
        return messages.SUCCESS, _("Assigned to %(name)s.") % {"name": prospect.adviser.full_name}

    return _action(request, pk, AssignForm, act, firm=request.firm)


@require_POST
def override(request, pk):
    def act(prospect, data):
        score = data["score"]
        services.override_score(prospect=prospect, by=request.user, score=None if score is None else score / 100,
                                reason=data["reason"])
        if score is None:
            return messages.SUCCESS, _("The computed score applies again.")
        return messages.SUCCESS, _("The score was set by hand.")

    return _action(request, pk, OverrideForm, act)


@require_POST
def fit_exception(request, pk):
    def act(prospect, data):
        services.record_fit_exception(prospect=prospect, by=request.user, reason=data["reason"])
        if data["reason"].strip():
            return messages.SUCCESS, _("The exception is recorded: the prospect may move on.")
        return messages.SUCCESS, _("The exception is withdrawn.")

    return _action(request, pk, FitExceptionForm, act)


@require_POST
def record_end(request, pk):
    def act(prospect, data):
        services.record_end(prospect=prospect, by=request.user, ended_on=data["ended_on"])
        return messages.SUCCESS, _("The end of the relationship was recorded.")

    return _action(request, pk, EndForm, act)


# Marketing: sources, campaigns, settings, report, model ---------------------------------------

def _marketing(request):
    if not can_manage_marketing(user=request.user):
        raise PermissionDenied


def sources(request):
    _marketing(request)
    services.ensure_pipeline(request.firm)
    source_form = SourceForm(request.POST if "save_source" in request.POST else None, prefix="source")
    campaign_form = CampaignForm(request.POST if "save_campaign" in request.POST else None, prefix="campaign",
                                 firm=request.firm)
    for form, save in ((source_form, services.save_source), (campaign_form, services.save_campaign)):
        if form.is_bound and form.is_valid():
            try:
                save(firm=request.firm, by=request.user, fields=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("prospects:sources")
    return TemplateResponse(request, "prospects/sources.html", {
        "sources": Source.objects.filter(firm=request.firm).annotate(count=Count("prospects")),
        "campaigns": Campaign.objects.filter(firm=request.firm).select_related("source").annotate(
            count=Count("prospects")),
        "source_form": source_form, "campaign_form": campaign_form})


def source_edit(request, pk):
    _marketing(request)
    source = access(Source, user=request.user, pk=pk)
    form = SourceForm(request.POST or None, instance=Source.objects.get(pk=source.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_source(firm=request.firm, by=request.user, fields=form.cleaned_data, source=source)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("prospects:sources")
    return TemplateResponse(request, "prospects/simple_form.html", {"form": form, "title": source.name,
                                                                    "back": "prospects:sources"})


def campaign_edit(request, pk):
    _marketing(request)
    campaign = access(Campaign, user=request.user, pk=pk)
    form = CampaignForm(request.POST or None, instance=Campaign.objects.get(pk=campaign.pk), firm=request.firm)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_campaign(firm=request.firm, by=request.user, fields=form.cleaned_data, campaign=campaign)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("prospects:sources")
    return TemplateResponse(request, "prospects/simple_form.html", {"form": form, "title": campaign.name,
                                                                    "back": "prospects:sources"})


def pipeline_settings(request):
    """Stage names and lost reasons (marketing, managers, admins); scope and capacity (managers, admins)."""
    _marketing(request)
    firm = request.firm
    services.ensure_pipeline(firm)
    may_scope = can_set_scope(user=request.user)
    scope = ServiceScope.objects.get(firm=firm)
    post = request.POST
    scope_form = ScopeForm(post if "save_scope" in post else None, instance=scope, prefix="scope")
    capacity_form = CapacityForm(post if "save_capacity" in post else None, firm=firm, prefix="capacity")
    reason_form = LostReasonForm(post if "save_reason" in post else None, prefix="reason")
    stage_forms = [(stage, StageNamesForm(post if post.get("save_stage") == str(stage.pk) else None,
                                          prefix=f"stage{stage.pk}", initial={"name_nl": stage.name_nl,
                                                                              "name_en": stage.name_en}))
                   for stage in Stage.objects.filter(firm=firm)]
    if request.method == "POST":
        try:
            if scope_form.is_bound and may_scope and scope_form.is_valid():
                services.save_scope(firm=firm, by=request.user, fields=scope_form.cleaned_data)
            elif capacity_form.is_bound and may_scope and capacity_form.is_valid():
                services.save_capacity(firm=firm, by=request.user, **capacity_form.cleaned_data)
            elif reason_form.is_bound and reason_form.is_valid():
                services.save_lost_reason(firm=firm, by=request.user, fields=reason_form.cleaned_data)
            elif (stage_form := next((form for _stage, form in stage_forms if form.is_bound), None)) is not None \
                    and stage_form.is_valid():
                stage = next(stage for stage, form in stage_forms if form is stage_form)
                services.rename_stage(stage=stage, by=request.user, **stage_form.cleaned_data)
            elif (scope_form.is_bound or capacity_form.is_bound) and not may_scope:
                raise PermissionDenied
            else:
                raise ValidationError(_("Check the form."))
        except ValidationError as error:
            messages.error(request, " ".join(_messages(error)))
        else:
            messages.success(request, _("Saved."))
            return redirect("prospects:settings")
    return TemplateResponse(request, "prospects/settings.html", {
        "scope_form": scope_form, "capacity_form": capacity_form, "reason_form": reason_form,
        "stage_forms": stage_forms, "may_scope": may_scope,
        "reasons": LostReason.objects.filter(firm=firm).annotate(count=Count("prospects")),
        "capacities": AdviserCapacity.objects.filter(firm=firm).select_related("adviser"),
    })


def _period(request):
    today = timezone.localdate()
    default = {"start": years_later(today, -3), "end": today}
    form = PeriodForm(request.GET or None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


def report(request):
    _marketing(request)
    form, start, end = _period(request)
    data = marketing_report(firm=request.firm, start=start, end=end, today=timezone.localdate())
    hourly = data["hourly_cost"]
    chart = {"type": "bar", "labels": [line.label for line in data["by_source"]], "datasets": [
        {"label": _("Lasting clients"), "data": [line.lasting for line in data["by_source"]]},
        {"label": _("Adviser hours lost on prospects that did not last"),
         "data": [line.hours_lost for line in data["by_source"]]}]}
    reason_columns = list(data["lost_reasons"].items())
    return TemplateResponse(request, "prospects/report.html", {
        "form": form, "data": data, "chart": chart, "reason_columns": reason_columns,
        "source_rows": [_row(line, hourly, reason_columns) for line in data["by_source"]],
        "campaign_rows": [_row(line, hourly, reason_columns) for line in data["by_campaign"]],
        "total": _row(data["total"], hourly, reason_columns),
    })


def _row(line, hourly, reason_columns):
    return {"line": line, "cost_lost": line.cost_lost(hourly), "per_client": line.cost_per_lasting_client(hourly),
            "reasons": [line.lost_reasons.get(pk, 0) for pk, _label in reason_columns]}


REPORT_COLUMNS = ("prospects", "hours", "won", "lasting", "left_within_year", "not_yet_known", "lost", "open",
                  "hours_lost")


def report_csv(request):
    _marketing(request)
    _form, start, end = _period(request)
    data = marketing_report(firm=request.firm, start=start, end=end, today=timezone.localdate())
    hourly = data["hourly_cost"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="marketing-{start}-{end}.csv"'
    writer = csv.writer(response)
    reasons = list(data["lost_reasons"].items())
    writer.writerow(["group", "name", *REPORT_COLUMNS, "campaign_cost", "cost_of_hours_lost",
                     "cost_per_lasting_client", *[f"lost: {label}" for _pk, label in reasons]])
    for group, lines in (("source", data["by_source"]), ("campaign", data["by_campaign"])):
        for line in lines:
            per_client = line.cost_per_lasting_client(hourly)
            writer.writerow([group, safe_cell(line.label), *[getattr(line, name) for name in REPORT_COLUMNS],
                             line.campaign_cost, line.cost_lost(hourly), "" if per_client is None else per_client,
                             *[line.lost_reasons.get(pk, 0) for pk, _label in reasons]])
    return response


def model_card(request):
    _pipeline_user(request)
    firm = request.firm
    model = scoring.current_model(firm)
    open_prospects = Prospect.objects.filter(firm=firm, stage__kind__in=OPEN_KINDS)
    calibration = {"type": "scatter", "labels": [], "datasets": [
        {"label": _("Observed"), "data": [{"x": item["predicted"], "y": item["observed"]}
                                           for item in model.calibration]},
        {"label": _("Perfect calibration"), "data": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]}]} if model else None
    labels = feature_labels()
    metrics = model.metrics if model else {}
    chosen = metrics.get("chosen", "additive")
    candidates = [{"name": name, "label": scoring.candidate_label(name), "chosen": name == chosen, **figures}
                  for name, figures in metrics.get("candidates", {}).items()]
    return TemplateResponse(request, "prospects/model_card.html", {
        "method": scoring.candidate_label(chosen), "candidates": candidates,
        "why_chosen": scoring.why_chosen(metrics),
        "model": model, "weights": [{**item, "label": labels.get(item["feature"], item["feature"])}
                                    for item in (model.weights if model else [])][:10],
        "history": scoring.history(firm, today=timezone.localdate()),
        "calibration": calibration, "can_train": can_manage_marketing(user=request.user),
        "scored": open_prospects.filter(score__isnull=False).count(), "open": open_prospects.count(),
        "older": scoring.ScoringModel.objects.filter(firm=firm).order_by("-trained_at")[1:6],
    })


@require_POST
def train(request):
    _marketing(request)
    history = scoring.history(request.firm, today=timezone.localdate())
    if not history["enough"]:
        messages.error(request, _("Too little history to train a score yet."))
        return redirect("prospects:model")
    job = start_job(firm=request.firm, by=request.user, kind="prospect_score_training", title=_("Train the score"),
                    task=train_score, firm_id=request.firm.pk, user_id=request.user.pk)
    return redirect("core:job_detail", pk=job.pk)


@require_POST
def rescore_view(request):
    _marketing(request)
    if scoring.current_model(request.firm) is None:
        messages.error(request, _("There is no trained score yet."))
        return redirect("prospects:model")
    job = start_job(firm=request.firm, by=request.user, kind="prospect_rescore", title=_("Recompute scores"),
                    task=rescore, firm_id=request.firm.pk)
    return redirect("core:job_detail", pk=job.pk)

