from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.forms import add_service_errors
from klantbelang.core.jobs import start_job

from . import services
from .forms import ReportForm, SignalFilter, TriageForm
from .models import STAFF, BookReview, Finding, Signal
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
        "product", "provider", "merged_into", "triaged_by", "created_by"))
    form = TriageForm(request.POST or None)
    if request.method == "POST":
        if not services.can_triage(request.user):
            raise PermissionDenied
        if form.is_valid():
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
        "signal": signal, "form": form, "can_triage": services.can_triage(request.user),
        "merged": signal.merged.all()})


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
