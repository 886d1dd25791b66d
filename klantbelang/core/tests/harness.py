"""What the permission harness needs to know about core's endpoints that take an object id.

Every app with such endpoints has a ``tests/harness.py`` like this one; an endpoint missing from
these registries makes the harness fail, so no endpoint goes unchecked.
"""

from klantbelang.core.tests.factories import BackgroundJobFactory


def _job(firm, user):
    return BackgroundJobFactory(firm=firm, created_by=user)


# url name -> function(firm, user) returning (object, url kwargs)
URL_OBJECTS = {
    "core:job_detail": lambda firm, user: (job := _job(firm, user), {"pk": job.pk}),
    "core:job_download": lambda firm, user: (job := _job(firm, user), {"pk": job.pk}),
}

# (method, path template) -> function(firm, user) returning (object, path params)
API_OBJECTS = {
    ("GET", "/api/v1/jobs/{job_id}"): lambda firm, user: (job := _job(firm, user), {"job_id": job.pk}),
}
