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


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "core:audit_export": "admin manager",
    "core:audit_list": "admin manager",
    "core:home": "admin adviser client manager marketing product_developer reviewer",
    "core:job_detail": "admin manager",
    "core:job_download": "",
    "core:job_list": "admin adviser client manager marketing product_developer reviewer",
    "core:job_retry": "admin manager",
    "core:processing_register": "admin manager",
    ("GET", "/api/v1/audit-events"): "admin manager",
    ("GET", "/api/v1/jobs"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/jobs/{job_id}"): "admin manager",
    ("GET", "/api/v1/processing-register"): "admin manager",
    ("POST", "/api/v1/jobs/{job_id}/retry"): "admin manager",
}
