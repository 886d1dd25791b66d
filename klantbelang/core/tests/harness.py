"""What the permission harness needs to know about core's endpoints that take an object id.

Every app with such endpoints has a ``tests/harness.py`` like this one; an endpoint missing from
these registries makes the harness fail, so no endpoint goes unchecked.
"""

from klantbelang.core.tests.factories import BackgroundJobFactory


def _job(firm, user):
    return BackgroundJobFactory(firm=firm, created_by=user)


def _failed(firm, user):
    return BackgroundJobFactory(firm=firm, created_by=user, status="failed",
                                task_path="klantbelang.core.tasks.export_audit_events")


# url name -> function(firm, user) returning (object, url kwargs)
URL_OBJECTS = {
    "core:job_detail": lambda firm, user: (job := _job(firm, user), {"pk": job.pk}),
    "core:job_download": lambda firm, user: (job := _job(firm, user), {"pk": job.pk}),
    "core:job_retry": lambda firm, user: (job := _failed(firm, user), {"pk": job.pk}),
}

# (method, path template) -> function(firm, user) returning (object, path params)
API_OBJECTS = {
    ("GET", "/api/v1/jobs/{job_id}"): lambda firm, user: (job := _job(firm, user), {"job_id": job.pk}),
    ("POST", "/api/v1/jobs/{job_id}/retry"): lambda firm, user: (job := _failed(firm, user), {"job_id": job.pk}),
}
