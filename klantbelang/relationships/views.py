import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from klantbelang.accounts.services import calendar_token, renew_calendar_address, user_for_calendar_token
from klantbelang.clients.models import Client
from klantbelang.core.access import access
from klantbelang.core.errors import DomainError
from klantbelang.core.forms import add_service_errors
from klantbelang.core.i18n import language_key

from . import services
from .forms import (
    AgreementForm,
    ComplaintForm,
    ComplaintStepForm,
    FirmTermsForm,
    LifeEventReportForm,
    ReviewOutcomeForm,
    SurveyForm,
)
from .health import relationship_health
from .models import Complaint, Obligation, PeriodicReview, ServiceAgreement, Survey
from .permissions import can_handle_complaints, can_manage_relationship


def client_relationship(request, pk):
    client = access(Client, user=request.user, pk=pk, queryset=Client.objects.select_related("current_profile"))
    if not can_manage_relationship(user=request.user, client=client) and not request.user.has_any_role(
            {"reviewer", "manager", "admin"}):
        raise PermissionDenied
    today = timezone.localdate()
    latest = client.agreements.order_by("-version").first()
    form = AgreementForm(request.POST or None, instance=ServiceAgreement(
        client=client, firm=client.firm, domains=latest.domains if latest else [],
        service_kind=latest.service_kind if latest else "ongoing", basis=latest.basis if latest else "broad",
        fee_model=latest.fee_model if latest else "fixed", fee_amount=latest.fee_amount if latest else None,
        panel=latest.panel if latest else ""))
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_agreement(client=client, by=request.user, terms=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft agreement is ready to confirm."))
            return redirect("relationships:client_relationship", pk=client.pk)
    return TemplateResponse(request, "relationships/client_relationship.html", {
        "client": client, "form": form, "agreements": client.agreements.all()[:5],
        "confirmed": services.confirmed_agreement(client),
        "obligations": [(obligation, obligation.state(today)) for obligation in client.obligations.all()],
        "reviews": client.reviews.all(), "surveys": client.surveys.all()[:10],
        "complaints": Complaint.objects.visible_to(request.user).filter(client=client),
        "health": relationship_health(client=client, today=today),
        "can_manage": can_manage_relationship(user=request.user, client=client),
    })


def _agreement(request, pk):
    agreement = access(ServiceAgreement, user=request.user, pk=pk,
                       queryset=ServiceAgreement.objects.select_related("client", "firm"))
    return agreement


def agreement_document(request, pk):
    agreement = _agreement(request, pk)
    return TemplateResponse(request, "relationships/agreement_document.html", _document_context(agreement))


def _document_context(agreement):
    terms = services.terms_for(agreement.firm)
    return {"agreement": agreement, "intro": terms.intro_nl if language_key() == "nl" else terms.intro_en,
            "client": agreement.client, "firm": agreement.firm}


def agreement_pdf(request, pk):
    from weasyprint import HTML

    agreement = _agreement(request, pk)
    html = render_to_string("relationships/agreement_document.html", {**_document_context(agreement),
                                                                      "standalone": True}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dienstverlening-{agreement.client.reference}-' \
                                      f'v{agreement.version}.pdf"'
    return response


@require_POST
def agreement_confirm(request, pk):
    agreement = _agreement(request, pk)
    try:
        services.confirm_agreement(agreement=agreement, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The agreement has been confirmed."))
    if agreement.client.portal_user_id == request.user.pk:
        return redirect("relationships:portal")
    return redirect("relationships:client_relationship", pk=agreement.client_id)


def worklist(request):
    if not request.user.has_any_role({"adviser", "manager", "admin"}):
        raise PermissionDenied
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    reviews = (PeriodicReview.objects.visible_to(request.user).filter(status="open", due_on__lte=soon)
               .select_related("client"))
    if request.user.has_role("adviser") and not request.user.has_any_role({"manager", "admin"}):
        reviews = reviews.filter(client__responsible_adviser=request.user)
    obligations = (Obligation.objects.visible_to(request.user).filter(fulfilled_at__isnull=True, due_on__lt=today)
                   .select_related("client"))
    complaints = Complaint.objects.visible_to(request.user).exclude(status="client_informed").select_related("client")
    token = calendar_token(request.user)
    return TemplateResponse(request, "relationships/worklist.html", {
        "reviews": reviews, "obligations": obligations, "complaints": complaints, "today": today,
        "calendar_url": request.build_absolute_uri(reverse("relationships:calendar", kwargs={"token": token})),
        "calendar_days": settings.CALENDAR_FEED_DAYS,
    })


@require_POST
def calendar_renew(request):
    """Revoke the calendar addresses shown so far (a link that was shared or leaked)."""
    if not request.user.has_any_role({"adviser", "manager", "admin"}):
        raise PermissionDenied
    renew_calendar_address(user=request.user)
    messages.success(request, _("Your earlier calendar addresses no longer work; subscribe with the new one."))
    return redirect("relationships:worklist")


def review_detail(request, pk):
    review = access(PeriodicReview, user=request.user, pk=pk,
                    queryset=PeriodicReview.objects.select_related("client"))
    if not can_manage_relationship(user=request.user, client=review.client):
        raise PermissionDenied
    form = ReviewOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review_outcome(review=review, by=request.user, status=form.cleaned_data["status"],
                                           note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The review's outcome has been recorded."))
            return redirect("relationships:worklist")
    return TemplateResponse(request, "relationships/review_detail.html", {"review": review, "form": form})


def complaint_list(request):
    if not can_handle_complaints(user=request.user):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complaint = services.register_complaint(by=request.user, client=data["client"], subject=data["subject"],
                                                description=data["description"], received_on=data["received_on"],
                                                product=data["product"], case=data["case"])
        return redirect("relationships:complaint_detail", pk=complaint.pk)
    today = timezone.localdate()
    complaints = Complaint.objects.visible_to(request.user).select_related("client")
    return TemplateResponse(request, "relationships/complaint_list.html", {
        "rows": [(complaint, complaint.overdue(today)) for complaint in complaints], "form": form})


def complaint_detail(request, pk):
    complaint = access(Complaint, user=request.user, pk=pk, queryset=Complaint.objects.select_related("client"))
    if not can_handle_complaints(user=request.user):
        raise PermissionDenied
    order = Complaint.ORDER
    next_step = order[order.index(complaint.status) + 1] if complaint.status != order[-1] else None
    form = ComplaintStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and next_step:
        try:
            services.advance_complaint(complaint=complaint, by=request.user, to=next_step, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("relationships:complaint_detail", pk=complaint.pk)
    return TemplateResponse(request, "relationships/complaint_detail.html", {
        "complaint": complaint, "form": form, "next_step": next_step,
        "next_label": dict(Complaint.Status.choices).get(next_step),
        "overdue": complaint.overdue(timezone.localdate())})


def portal(request):
    client = Client.objects.visible_to(request.user).filter(portal_user=request.user).select_related(
        "current_profile").first()
    if client is None:
        raise Http404
    today = timezone.localdate()
    event_form = LifeEventReportForm(request.POST or None)
    if request.method == "POST" and event_form.is_valid():
        services.report_life_event(client=client, by=request.user, event_type=event_form.cleaned_data["event_type"],
                                   date=event_form.cleaned_data["date"])
        messages.success(request, _("Thank you. Your adviser will contact you about it."))
        return redirect("relationships:portal")
    agreements = client.agreements.exclude(status="draft")
    return TemplateResponse(request, "relationships/portal.html", {
        "client": client, "agreement": agreements.first(), "event_form": event_form,
        "obligations": [(obligation, obligation.state(today)) for obligation in client.obligations.filter(
            party="client")],
        "surveys": client.surveys.filter(answered_at__isnull=True), "survey_form": SurveyForm(),
    })


@require_POST
def survey_answer(request, pk):
    survey = access(Survey, user=request.user, pk=pk)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            services.answer_survey(survey=survey, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your answers."))
    else:
        messages.error(request, _("Please answer both questions."))
    return redirect("relationships:portal")


def firm_terms(request):
    """Admins keep the firm's agreement template and norms."""
    if not request.user.has_role("admin"):
        raise PermissionDenied
    terms = services.terms_for(request.firm)
    form = FirmTermsForm(request.POST or None, instance=terms)
    if request.method == "POST" and form.is_valid():
        services.save_firm_terms(terms=terms, by=request.user, values=form.cleaned_data)
        messages.success(request, _("The firm's terms have been saved."))
        return redirect("relationships:firm_terms")
    return TemplateResponse(request, "relationships/firm_terms.html", {"form": form})


@login_not_required
def calendar(request, token):
    """An ICS feed of the adviser's open reviews, for their own calendar. The signed token in the
    address is the only credential: it reveals client names, so it is personal, dated and revocable
    (accounts.services.calendar_token). icalendar escapes every value, so a line break in a client's
    name cannot start an event of its own."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404
    reviews = PeriodicReview.objects.filter(client__in=Client.objects.visible_to(user).filter(
        responsible_adviser=user).values("pk"), status="open").select_related("client")
    feed = Calendar()
    feed.add("prodid", "-//klantbelang//reviews//NL")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    stamp = timezone.now()
    with translation.override(user.language):
        for review in reviews:
            event = Event()
            event.add("uid", f"review-{review.pk}@klantbelang")
            event.add("dtstamp", stamp)
            event.add("dtstart", review.due_on)
            event.add("summary", _("Review: %(client)s") % {"client": review.client.name})
            event.add("description", review.reason[:250])
            feed.add_component(event)
    return HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
