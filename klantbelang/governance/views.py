from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.forms import add_service_errors
from klantbelang.core.jobs import start_job

from . import exports, reports, services, sharing
from .forms import (
    LinkDeveloperForm,
    ReportForm,
    ReportPeriodForm,
    ResponseForm,
    SentForm,
    ShareForm,
    SignalFilter,
    TriageForm,
)
from .models import STAFF, BookReview, DistributorReport, Finding, ProviderDeveloper, Signal
from .tasks import run_book_review


def _staff(request):
    if not request.user.has_any_role(STAFF):
        raise PermissionDenied


def signal_list(request):
    _staff(request)
    queryset = Signal.objects.visible_to(request.user).select_related("product", "provider")
    signal_filter = SignalFilter(request.GET or None, queryset=queryset)
    signals = signal_filter.qs if signal_filter.is_bound and signal_filter.is_valid() else queryset
    return TemplateResponse(request, "governance/signal_list.html", {
        "filter": signal_filter, "signals": signals[:200], "count": signals.count(),
        "can_triage": services.can_triage(request.user)})


def signal_new(request):
    _staff(request)
    form = ReportForm(request.POST or None, firm=request.firm, initial={"product": request.GET.get("product", "")})
    if request.method == "POST" and form.is_valid():
        try:
            signal = services.report(product=form.cleaned_data["product"], by=request.user,
                                     category=form.cleaned_data["category"],
                                     description=form.cleaned_data["description"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the signal was recorded."))
            return redirect("governance:signal_detail", pk=signal.pk)
    return TemplateResponse(request, "governance/signal_new.html", {"form": form})


def signal_detail(request, pk):
    signal = access(Signal, user=request.user, pk=pk, queryset=Signal.objects.select_related(
        "product", "provider", "merged_into", "triaged_by", "created_by", "shared_with", "shared_by"))
    form = TriageForm(request.POST if "status" in request.POST else None)
    share_form = ShareForm(request.POST if "summary" in request.POST else None, firm=request.firm,
                           initial={"summary": "" if signal.source == "complaint" else signal.description})
    if request.method == "POST":
        if not services.can_triage(request.user):
            raise PermissionDenied
        if share_form.is_bound and share_form.is_valid():
            try:
                sharing.share_signal(signal=signal, by=request.user, summary=share_form.cleaned_data["summary"],
                                     provider=share_form.cleaned_data["provider"])
            except ValidationError as error:
                add_service_errors(share_form, error)
            else:
                messages.success(request, _("The signal is shared with the manufacturer."))
                return redirect("governance:signal_detail", pk=signal.pk)
        if form.is_bound and form.is_valid():
            target = None
            if form.cleaned_data["merged_into"]:
                target = Signal.objects.visible_to(request.user).filter(pk=form.cleaned_data["merged_into"]).first()
            try:
                services.triage(signal=signal, by=request.user, status=form.cleaned_data["status"],
                                note=form.cleaned_data["note"], merged_into=target)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The signal was triaged."))
                return redirect("governance:signal_detail", pk=signal.pk)
    return TemplateResponse(request, "governance/signal_detail.html", {
        "signal": signal, "form": form, "share_form": share_form, "can_triage": services.can_triage(request.user),
        "merged": signal.merged.all(), "answers": signal.answers.select_related("answered_by")})


@require_POST
def collect(request):
    if not services.can_triage(request.user):
        raise PermissionDenied
    made = services.collect(request.firm)
    messages.success(request, _("%(count)s new signals from complaints and advice outside the target market.")
                     % {"count": made})
    return redirect("governance:signal_list")


def review_list(request):
    _staff(request)
    return TemplateResponse(request, "governance/review_list.html", {
        "reviews": BookReview.objects.visible_to(request.user).select_related("started_by")[:50],
        "can_start": services.can_triage(request.user)})


@require_POST
def review_start(request):
    if not services.can_triage(request.user):
        raise PermissionDenied
    job = start_job(firm=request.firm, by=request.user, kind="book_review",
                    title=_("Book-wide target-market review"), task=run_book_review, firm_id=request.firm.pk,
                    user_id=request.user.pk)
    return redirect("core:job_detail", pk=job.pk)


def review_detail(request, pk):
    stored = access(BookReview, user=request.user, pk=pk)
    findings = Finding.objects.filter(review=stored)
    return TemplateResponse(request, "governance/review_detail.html", {
        "review": stored,
        "per_product": findings.values("product__code", "product__name", "product__provider__name").annotate(
            clients=Count("client", distinct=True)).order_by("-clients", "product__code")[:100],
        "per_adviser": findings.values("adviser__full_name").annotate(
            clients=Count("client", distinct=True)).order_by("-clients", "adviser__full_name"),
        "findings": findings.select_related("client", "product", "adviser", "follow_up")[:200],
        "unmet": stored.unmet_needs.all()[:100],
    })


def developers(request):
    """Which provider each product developer works for (managers and administrators)."""
    if not sharing.can_link_developers(request.user):
        raise PermissionDenied
    form = LinkDeveloperForm(request.POST or None, firm=request.firm)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.link_developer(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("governance:developers")
    return TemplateResponse(request, "governance/developers.html", {
        "form": form, "links": ProviderDeveloper.objects.visible_to(request.user).select_related("user", "provider")})


# Distributor reports ------------------------------------------------------------------------------

def report_list(request):
    _staff(request)
    form = ReportPeriodForm(request.POST or None, firm=request.firm,
                            initial={"year": timezone.localdate().year - 1, "period": 0})
    if request.method == "POST":
        if not services.can_triage(request.user):
            raise PermissionDenied
        if form.is_valid():
            start, end = services.quarter(form.cleaned_data["year"], form.cleaned_data["period"])
            try:
                report = services.create_report(firm=request.firm, by=request.user, start=start, end=end,
                                                 provider=form.cleaned_data["provider"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("governance:report_detail", pk=report.pk)
    return TemplateResponse(request, "governance/report_list.html", {
        "reports": DistributorReport.objects.visible_to(request.user).select_related("provider").annotate(
            answered=Count("responses"))[:100],
        "form": form, "can_create": services.can_triage(request.user)})


def _report(request, pk):
    return access(DistributorReport, user=request.user, pk=pk,
                  queryset=DistributorReport.objects.select_related("provider", "firm", "created_by"))


def report_detail(request, pk):
    report = _report(request, pk)
    choices = reports.items(report.data)
    sent_form = SentForm(request.POST if "sent_to" in request.POST else None)
    response_form = ResponseForm(request.POST if "text" in request.POST else None, items=choices)
    if request.method == "POST":
        if not services.can_triage(request.user):
            raise PermissionDenied
        try:
            if sent_form.is_bound and sent_form.is_valid():
                services.mark_sent(report=report, by=request.user, to=sent_form.cleaned_data["sent_to"])
                messages.success(request, _("The report is recorded as sent."))
                return redirect("governance:report_detail", pk=report.pk)
            if response_form.is_bound and response_form.is_valid():
                services.record_response(report=report, by=request.user, **response_form.cleaned_data)
                messages.success(request, _("The response was recorded."))
                return redirect("governance:report_detail", pk=report.pk)
        except ValidationError as error:
            add_service_errors(response_form if response_form.is_bound else sent_form, error)
    labels = dict(choices)
    return TemplateResponse(request, "governance/report_detail.html", {
        "report": report, "data": report.data, "sent_form": sent_form, "response_form": response_form,
        "responses": [(labels.get(answer.item, answer.item), answer)
                      for answer in report.responses.select_related("recorded_by")],
        "can_manage": services.can_triage(request.user)})


def report_json(request, pk):
    return exports.as_json(_report(request, pk))


def report_csv(request, pk):
    return exports.as_csv(_report(request, pk))


def report_pdf(request, pk):
    return exports.as_pdf(request, _report(request, pk))
