"""The privacy page of a household: its data as JSON or a PDF summary, marketing consent, and
erasure (see privacy.py). Clients reach their own through the portal."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.errors import Conflict

from . import privacy
from .forms import ConsentForm, ErasureForm
from .models import Client


def _client(request, pk) -> Client:
    client = access(Client, user=request.user, pk=pk)
    if not privacy.can_view(user=request.user, client=client):
        raise PermissionDenied
    return client


def _portal(request, client) -> bool:
    return client.portal_user_id == request.user.pk


def privacy_page(request, pk, consent_form=None, erasure_form=None):
    client = _client(request, pk)
    portal = _portal(request, client)
    can_erase = privacy.can_handle_request(user=request.user, client=client) and client.erased_at is None
    return TemplateResponse(request, "clients/privacy.html", {
        "client": client, "portal": portal, "consents": privacy.current_consents(client),
        "history": client.consents.select_related("recorded_by")[:50],
        "can_export": privacy.can_export(user=request.user, client=client),
        "consent_form": None if client.erased_at else consent_form or ConsentForm(portal=portal),
        "erasure_form": (erasure_form or ErasureForm(client=client)) if can_erase else None,
    }, status=400 if consent_form is not None or erasure_form is not None else 200)


def portal_privacy(request):
    client = Client.objects.visible_to(request.user).filter(portal_user=request.user).first()
    if client is None:
        raise Http404
    return redirect("clients:privacy", pk=client.pk)


def export_json(request, pk):
    client = access(Client, user=request.user, pk=pk)
    data = privacy.export(client=client, by=request.user, kind="json")
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="gegevens-{client.reference}.json"'
    return response


def render_summary_pdf(client, data, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("clients/privacy_print.html", {
        "client": client, "data": data, "counts": privacy.summary(data),
        "persons": data["records"].get("clients.Person", []),
        "cases": data["records"].get("advice.AdviceCase", []),
    }, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()


def export_pdf(request, pk):
    client = access(Client, user=request.user, pk=pk)
    data = privacy.export(client=client, by=request.user, kind="pdf")
    response = HttpResponse(render_summary_pdf(client, data, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gegevens-{client.reference}.pdf"'
    return response


@require_POST
def record_consent(request, pk):
    client = _client(request, pk)
    portal = _portal(request, client)
    form = ConsentForm(request.POST, portal=portal)
    if form.is_valid():
        try:
            privacy.record_consent(client=client, by=request.user, purpose=form.cleaned_data["purpose"],
                                   given=form.cleaned_data["given"],
                                   channel="portal" if portal else form.cleaned_data["channel"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("clients:privacy", pk=client.pk)
    return privacy_page(request, pk, consent_form=form)


@require_POST
def erase(request, pk):
    client = _client(request, pk)
    if not privacy.can_handle_request(user=request.user, client=client):
        raise PermissionDenied
    form = ErasureForm(request.POST, client=client)
    if form.is_valid():
        try:
            kept = privacy.erase(client=client, by=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, Conflict) as error:
            form.add_error(None, getattr(error, "message", None) or error)
        else:
            if kept is None:
                messages.success(request, _("The household had no advice files and was deleted."))
                return redirect("clients:client_list")
            messages.success(request, _("Contact details and portal access were removed; the advice files are "
                                        "kept until %(date)s and then deleted.") % {"date": kept.retain_until})
            return redirect("clients:privacy", pk=client.pk)
    return privacy_page(request, pk, erasure_form=form)
