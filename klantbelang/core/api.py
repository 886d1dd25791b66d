from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from .access import access
from .filters import AuditEventFilter
from .jobs import checked, retry_job
from .models import AuditEvent, BackgroundJob
from .pagination import Page
from .permissions import can_view_audit

router = Router(tags=["core"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    total: int
    done: int
    percent: int
    message: str
    result: dict
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    changes: dict
    request_id: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_label


class AuditQuery(Schema):
    action: str | None = None
    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@router.get("/jobs/{job_id}", response=JobOut, summary="Progress and outcome of a background job")
def get_job(request, job_id: int):
    return checked(access(BackgroundJob, user=request.auth, pk=job_id))


@router.post("/jobs/{job_id}/retry", response={202: JobOut}, summary="Start a failed job again (a new job)")
def retry(request, job_id: int):
    job = access(BackgroundJob, user=request.auth, pk=job_id)
    return 202, retry_job(job=job, by=request.auth)


@router.get("/jobs", response=list[JobOut], summary="My background jobs (all of the firm's for managers)")
@paginate(Page)
def list_jobs(request):
    return BackgroundJob.objects.visible_to(request.auth)


@router.get("/audit-events", response=list[AuditEventOut], summary="The firm's audit trail (managers, admins)")
@paginate(Page)
def list_audit_events(request, filters: Query[AuditQuery]):
    if not can_view_audit(user=request.auth):
        raise PermissionDenied
    data = {name: value for name, value in filters.dict().items() if value is not None}
    return AuditEventFilter(data=data, queryset=AuditEvent.objects.visible_to(request.auth)).qs


class ActivityOut(Schema):
    name: str
    purpose: str
    legal_basis: str
    data: str
    people: str
    retention: str
    recipients: str


class RegisterOut(Schema):
    firm: str
    activities: list[ActivityOut]
    security: str


@router.get("/processing-register", response=RegisterOut, summary="The firm's register of processing activities")
def processing_register(request):
    from . import processing

    if not can_view_audit(user=request.auth):
        raise PermissionDenied
    return {"firm": request.auth.firm.name, "security": str(processing.SECURITY),
            "activities": [{field: str(getattr(activity, field)) for field in ActivityOut.model_fields}
                           for activity in processing.ACTIVITIES]}
