import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import access
from .filters import AuditEventFilter
from .jobs import can_retry, checked, mark_interrupted, retry_job, start_job
from .models import AuditEvent, BackgroundJob
from .permissions import can_view_audit
from .roles import Role
from .tasks import export_audit_events

AUDIT_PAGE_SIZE = 50
# What the drivers say when the database itself cannot be used (psycopg and SQLite's own words). Any
# other OperationalError — "too many SQL variables", a statement cancelled — is a fault of the work,
# reported as the server error it is, not as an outage to retry.
OUTAGE_WORDS = ("server closed the connection", "connection refused", "could not connect", "terminating connection",
                "connection is closed", "connection already closed", "connection is lost",
                "no connection to the server", "ssl connection has been closed", "consuming input failed",
                "connection failed", "not currently accepting connections", "the database system is",
                "could not receive data", "unable to open database", "disk i/o error", "database is locked")
# Both languages: when the database is gone there is no user, so no language preference either.
UNAVAILABLE = ("De database is even niet bereikbaar; er is niets opgeslagen. / "
               "The database cannot be reached; nothing was saved.")
SERVER_ERROR = "Er ging iets mis; er is niets verloren gegaan. / Something went wrong; nothing was lost."


def server_error(request):
    """handler500. A database that went away (restart, fail-over, network) is a 503 the client may
    retry: the request's transaction was rolled back, so nothing was half saved, and the next
    request reconnects (health-checked connections). Anything else is the plain 500 page. Neither
    touches the database, the session or the user; the API answers in its JSON error format."""
    unavailable = database_unreachable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "unavailable" if unavailable else "server_error",
                                 "message": UNAVAILABLE if unavailable else SERVER_ERROR}, status=status)
    else:
        response = HttpResponse(render_to_string("503.html" if unavailable else "500.html"), status=status)
    if unavailable:
        response["Retry-After"] = "5"
    return response


def database_unreachable(error) -> bool:
    """Whether ``error`` means the database is gone (a 503 to retry) rather than a fault (a 500)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    raw = connection.connection
    if raw is None:  # no connection at all: the error came from connecting
        return True
    if getattr(raw, "broken", False) is True or getattr(raw, "closed", False) is True:
        return True
    return any(words in str(error).lower() for words in OUTAGE_WORDS)


@login_not_required
def health(request):
    """Liveness for a load balancer: the process answers. Touches neither the database nor the
    session, so it is also the smallest page the load test measures our pages against."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    return TemplateResponse(request, "core/home.html", {
        "recent_jobs": BackgroundJob.objects.visible_to(request.user).select_related("created_by")[:5],
        # A client reads about their own file, not about what the tool does for a firm.
        "is_client": request.user.roles == frozenset({Role.CLIENT}),
    })


def audit_list(request):
    if not can_view_audit(user=request.user):
        raise PermissionDenied
    event_filter = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.visible_to(request.user))
    page = Paginator(event_filter.qs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "core/audit_list.html#events" if request.htmx else "core/audit_list.html"
    return TemplateResponse(request, template, {"filter": event_filter, "page": page})


@require_POST
def audit_export(request):
    if not can_view_audit(user=request.user):
        raise PermissionDenied
    event_filter = AuditEventFilter(request.POST, queryset=AuditEvent.objects.visible_to(request.user))
    filters = {name: value for name, value in event_filter.form.data.items()
               if name in event_filter.filters and value}
    job = start_job(firm=request.firm, by=request.user, kind="audit_export", title=_("Audit log export"),
                    task=export_audit_events, filters=filters)
    return redirect("core:job_detail", pk=job.pk)


def job_list(request):
    mark_interrupted(BackgroundJob.objects.visible_to(request.user))
    jobs = BackgroundJob.objects.visible_to(request.user).select_related("created_by")[:100]
    return TemplateResponse(request, "core/job_list.html", {"jobs": jobs})


def job_detail(request, pk):
    job = checked(access(BackgroundJob, user=request.user, pk=pk))
    template = "core/job_detail.html#progress" if request.htmx else "core/job_detail.html"
    return TemplateResponse(request, template, {"job": job, "can_retry": can_retry(user=request.user, job=job)})


@require_POST
def job_retry(request, pk):
    job = access(BackgroundJob, user=request.user, pk=pk)
    try:
        again = retry_job(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("core:job_detail", pk=job.pk)
    return redirect("core:job_detail", pk=again.pk)


def job_download(request, pk):
    job = access(BackgroundJob, user=request.user, pk=pk)
    if not job.result_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True,
                        filename=job.result_file.name.rsplit("/", 1)[-1])


def processing_register(request):
    """The firm's register of processing activities (AVG art. 30), for managers and admins."""
    from . import processing

    if not can_view_audit(user=request.user):
        raise PermissionDenied
    return TemplateResponse(request, "core/processing_register.html", {
        "activities": processing.ACTIVITIES, "security": processing.SECURITY})
