import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.advice.models import AdviceCase
from klantbelang.core.access import access
from klantbelang.core.forms import number_param
from klantbelang.core.jobs import start_job
from klantbelang.core.roles import Role
from klantbelang.core.spreadsheets import safe_cell

from . import metrics, services
from .forms import FileCheckForm, GoalForm, PeriodForm
from .models import FileCheck, Module, QualityGoal
from .tasks import refresh_figures

MANAGERS = {Role.MANAGER, Role.ADMIN}


def _is_manager(user) -> bool:
    return user.has_any_role(MANAGERS)


def _request_scope(request):
    if not (_is_manager(request.user) or request.user.has_role(Role.ADVISER)):
        raise PermissionDenied
    form = PeriodForm(request.GET or None, firm=request.firm)
    start, end = form.period()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    team, adviser = data.get("team"), data.get("adviser")
    scope = services.scope_for(request.user, team_id=team.pk if team else None,
                               adviser_id=adviser.pk if adviser else None)
    return form, scope, start, end


def _chart(data) -> dict:
    labels = [month.strftime("%Y-%m") for month in data["months"]]
    datasets = []
    for module in data["modules"]:
        leading = next((entry for entry in module.figures if entry["metric"].slug == _leading(module.module)), None)
        if leading and leading["metric"].kind == "share" and any(value is not None for value in leading["trend"]):
            datasets.append({"label": str(leading["metric"].label), "data": leading["trend"]})
    return {"type": "line", "labels": labels, "datasets": datasets}


def _leading(module: str) -> str | None:
    from .scores import RULES

    rule = RULES.get(module)
    return rule.metric if rule else None


def dashboard(request):
    form, scope, start, end = _request_scope(request)
    data = services.dashboard(request.firm, scope=scope, start=start, end=end)
    only = scope.advisers if scope.level != "firm" else None
    found = services.pressure_signals(request.firm, start=start, end=end, only=only)
    if scope.level == "team":
        found = [signal for signal in found if (signal.level == "adviser" and signal.group in scope.advisers)
                 or (signal.level == "team" and signal.group == scope.team.pk)]
    return TemplateResponse(request, "quality/dashboard.html", {
        **data, "form": form, "signals": found, "is_manager": _is_manager(request.user),
        "query": request.GET.urlencode(), "chart": _chart(data)})


def module_detail(request):
    module = request.GET.get("module")
    if module not in Module.values:
        raise Http404
    form, scope, start, end = _request_scope(request)
    data = services.dashboard(request.firm, scope=scope, start=start, end=end)
    view = next(item for item in data["modules"] if item.module == module)
    chart = {"type": "line", "labels": [month.strftime("%Y-%m") for month in data["months"]],
             "datasets": [{"label": str(entry["metric"].label), "data": entry["trend"]} for entry in view.figures
                          if entry["metric"].kind in ("share",) and any(value is not None for value in entry["trend"])]}
    is_manager = _is_manager(request.user)
    sample = services.sample(request.firm, module=module, start=start, end=end, advisers=scope.advisers) \
        if is_manager and module != Module.GOVERNANCE else []
    checks = FileCheck.objects.filter(firm=request.firm, module=module, checked_at__date__gte=start,
                                      checked_at__date__lte=end).select_related("case", "checked_by")
    if scope.advisers is not None:
        checks = checks.filter(case__lead__in=scope.advisers)
    return TemplateResponse(request, "quality/module.html", {
        **data, "view": view, "form": form, "chart": chart, "sample": sample, "checks": checks[:50],
        "check_form": FileCheckForm(), "is_manager": is_manager, "query": request.GET.urlencode()})


def files(request):
    """The advice files behind a figure or a signal: released in the period, for the scope."""
    form, scope, start, end = _request_scope(request)
    cases = metrics.released_cases(request.firm, start, end).select_related("client", "lead").order_by("-released_at")
    if scope.advisers is not None:
        cases = cases.filter(lead__in=scope.advisers)
    lead = number_param(request.GET.get("lead"))
    if lead:
        if not _is_manager(request.user) and lead != request.user.pk:
            raise PermissionDenied
        cases = cases.filter(lead_id=lead)
    if request.GET.get("deviation"):
        cases = cases.filter(recommendations__eligible=False, recommendations__product__isnull=False).distinct()
    provider = number_param(request.GET.get("provider"))
    if provider:
        cases = cases.filter(recommendations__product__provider_id=provider).distinct()
    if request.GET.get("findings"):
        cases = cases.filter(reviews__outcome="changes_requested").distinct()
    if request.GET.get("period_end"):
        # The last three days of any month fall on the 26th or later: narrow in the database first.
        near_end = cases.filter(released_at__day__gte=26).values_list("pk", "released_at")
        cases = cases.filter(pk__in=[pk for pk, released_at in near_end if metrics.at_period_end(released_at)])
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    rows = list(page)
    return TemplateResponse(request, "quality/files.html", {"cases": rows, "page": page, "form": form,
                                                            "scope": scope, "start": start, "end": end})


@require_POST
def file_check(request, case_pk):
    case = access(AdviceCase, user=request.user, pk=case_pk)
    module = request.POST.get("module")
    if module not in Module.values or not _is_manager(request.user):
        raise PermissionDenied
    form = FileCheckForm(request.POST)
    if form.is_valid():
        try:
            services.record_file_check(case=case, by=request.user, module=module, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file check was recorded."))
    else:
        messages.error(request, _("Choose an outcome."))
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query["module"] = module
    return redirect(f"{reverse('quality:module')}?{query.urlencode()}")


def goals(request):
    if not _is_manager(request.user):
        raise PermissionDenied
    form = GoalForm(request.POST or None, firm=request.firm)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_goal(firm=request.firm, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The quality goal was saved."))
            return redirect("quality:goals")
    return TemplateResponse(request, "quality/goals.html", {
        "form": form, "goals": QualityGoal.objects.filter(firm=request.firm).select_related("team", "set_by")
        .order_by("team__name", "module")})


@require_POST
def refresh(request):
    if not _is_manager(request.user):
        raise PermissionDenied
    job = start_job(firm=request.firm, by=request.user, kind="quality_refresh", title=_("Recompute the dashboard"),
                    task=refresh_figures, firm_id=request.firm.pk)
    return redirect("core:job_detail", pk=job.pk)


def _export_rows(data):
    for module in data["modules"]:
        yield [str(module.label), "", "score", module.score.value if module.score.value is not None else "",
               module.score.rule, module.goal or ""]
        for entry in module.figures:
            yield [str(module.label), entry["metric"].slug, str(entry["metric"].label),
                   "" if entry["value"] is None else round(entry["value"], 4), entry["numerator"],
                   entry["denominator"]]


def export_csv(request):
    _form, scope, start, end = _request_scope(request)
    data = services.dashboard(request.firm, scope=scope, start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quality-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(["module", "metric", "label", "value", "numerator_or_rule", "denominator_or_goal"])
    writer.writerow(["scope", scope.level, safe_cell(scope.label), str(start), str(end), ""])
    for row in _export_rows(data):
        writer.writerow([safe_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return response


def export_pdf(request):
    from weasyprint import HTML

    _form, scope, start, end = _request_scope(request)
    data = services.dashboard(request.firm, scope=scope, start=start, end=end)
    only = scope.advisers if scope.level != "firm" else None
    html = render_to_string("quality/print.html", {
        **data, "firm": request.firm, "signals": services.pressure_signals(request.firm, start=start, end=end,
                                                                            only=only)}, request=request)
    response = HttpResponse(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="quality-{start}-{end}.pdf"'
    return response
