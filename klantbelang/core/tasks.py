import csv
import io
import json

from django.core.files.base import ContentFile
from django_tasks import task

from .filters import AuditEventFilter
from .jobs import run_job
from .models import AuditEvent, BackgroundJob
from .spreadsheets import safe_cell

EXPORT_CHUNK = 2000


@task()
def export_audit_events(*, job_id: int, filters: dict) -> int:
    """Write the firm's audit events matching ``filters`` to a CSV attached to the job."""
    with run_job(job_id) as progress:
        job = progress.job
        events = AuditEventFilter(data=filters, queryset=AuditEvent.objects.filter(firm_id=job.firm_id)).qs
        progress.set_total(events.count())
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["created_at", "actor", "action", "object_type", "object_id", "object", "changes",
                         "request_id"])
        written = 0
        for event in events.order_by("created_at", "pk").iterator(chunk_size=EXPORT_CHUNK):
            writer.writerow([safe_cell(value) for value in (
                event.created_at.isoformat(), event.actor_label, event.action, event.object_type,
                event.object_id, event.object_label, json.dumps(event.changes, ensure_ascii=False), event.request_id,
            )])
            written += 1
            if written % EXPORT_CHUNK == 0:
                progress.advance(written)
        progress.advance(written)
        job.result_file.save(f"audit-{job.firm_id}-{job.pk}.csv", ContentFile(buffer.getvalue().encode()), save=False)
        BackgroundJob.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result={"rows": written})
        return written
