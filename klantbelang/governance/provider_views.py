"""The manufacturer's side: a product developer sees what the firm shared with their provider —
signals with a frozen, suppressed count of clients, and the reports that were sent — and answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from klantbelang.core.forms import add_service_errors
from klantbelang.core.roles import Role

from . import exports, reports, services, sharing
from .forms import AnswerForm, ResponseForm
from .models import DistributorReport, Signal, Topic, developer_provider


def _developer(request):
    if not request.user.has_role(Role.PRODUCT_DEVELOPER):
        raise PermissionDenied
    return developer_provider(request.user)


def home(request):
    provider = _developer(request)
    signals = Signal.objects.shared_with_developer(request.user).select_related("product").annotate(
        answered=Count("answers"))
    return TemplateResponse(request, "governance/provider_home.html", {
        "provider": provider, "signals": signals[:200],
        "reports": DistributorReport.objects.sent_to_developer(request.user).annotate(answered=Count("responses")),
        "topics": Topic.objects.visible_to(request.user)[:20]})


def signal_detail(request, pk):
    _developer(request)
    signal = get_object_or_404(Signal.objects.shared_with_developer(request.user).select_related("product"), pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.answer_signal(signal=signal, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer was sent to the firm."))
            return redirect("governance:provider_signal", pk=signal.pk)
    return TemplateResponse(request, "governance/provider_signal.html", {
        "signal": signal, "form": form, "answers": signal.answers.select_related("answered_by")})


def _report(request, pk):
    _developer(request)
    return get_object_or_404(DistributorReport.objects.sent_to_developer(request.user).select_related("provider"),
                             pk=pk)


def report_detail(request, pk):
    report = _report(request, pk)
    choices = reports.items(report.data)
    form = ResponseForm(request.POST or None, items=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your response was recorded."))
            return redirect("governance:provider_report", pk=report.pk)
    labels = dict(choices)
    return TemplateResponse(request, "governance/provider_report.html", {
        "report": report, "data": report.data, "form": form,
        "responses": [(labels.get(answer.item, answer.item), answer) for answer in report.responses.all()]})


def report_json(request, pk):
    return exports.as_json(_report(request, pk))


def report_csv(request, pk):
    return exports.as_csv(_report(request, pk))


def report_pdf(request, pk):
    return exports.as_pdf(request, _report(request, pk))
