import csv
import io
import json

from django.urls import reverse

from klantbelang.core.audit import record_audit
from klantbelang.core.models import AuditEvent, BackgroundJob


def _events(firm, actor, count=3):
    for number in range(count):
        record_audit(actor=actor, action=f"test.step{number}", obj=firm)


def test_audit_page_lists_and_filters_the_firms_events(login, firm, other_firm, manager, other_firm_adviser):
    _events(firm, manager)
    record_audit(actor=other_firm_adviser, action="test.elsewhere", obj=other_firm)
    response = login(manager).get(reverse("core:audit_list"))
    assert response.status_code == 200
    actions = [event.action for event in response.context["page"]]
    assert actions == ["test.step2", "test.step1", "test.step0"]
    filtered = login(manager).get(reverse("core:audit_list"), {"action": "step1"})
    assert [event.action for event in filtered.context["page"]] == ["test.step1"]


def test_audit_page_partial_for_htmx(login, firm, manager):
    _events(firm, manager, 1)
    response = login(manager).get(reverse("core:audit_list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="events">')
    assert "test.step0" in body
    assert "<html" not in body


def test_audit_page_query_count_does_not_grow_with_events(login, firm, manager, django_assert_num_queries):
    browser = login(manager)
    _events(firm, manager, 2)
    browser.get(reverse("core:audit_list"))  # warm the session
    with django_assert_num_queries(5) as few:
        browser.get(reverse("core:audit_list"))
    _events(firm, manager, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        browser.get(reverse("core:audit_list"))


def test_adviser_may_not_read_or_export_the_audit_log(login, firm, adviser):
    browser = login(adviser)
    assert browser.get(reverse("core:audit_list")).status_code == 403
    assert browser.post(reverse("core:audit_export")).status_code == 403
    assert BackgroundJob.objects.count() == 0


def test_export_runs_as_a_job_with_progress_and_a_safe_csv(
    login, firm, other_firm, manager, other_firm_adviser, django_capture_on_commit_callbacks
):
    record_audit(actor=manager, action="client.renamed", obj=firm,
                 changes={"name": {"before": "=HYPERLINK(\"http://evil\")", "after": "Jansen"}})
    record_audit(actor=manager, action="client.created", obj=firm)
    record_audit(actor=other_firm_adviser, action="client.renamed", obj=other_firm)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post(reverse("core:audit_export"), {"action": "renamed"})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", kwargs={"pk": job.pk})
    assert (job.status, job.total, job.done, job.percent, job.result) == ("succeeded", 1, 1, 100, {"rows": 1})
    assert job.task_result_id

    download = login(manager).get(reverse("core:job_download", kwargs={"pk": job.pk}))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0] == ["created_at", "actor", "action", "object_type", "object_id", "object", "changes",
                       "request_id"]
    assert len(rows) == 2
    assert rows[1][1:6] == ["manager@test.nl", "client.renamed", "core.firm", str(firm.pk), "Demo Advies"]
    # The JSON cell starts with "{", so it needs no quote; the formula inside it stays inert text.
    assert json.loads(rows[1][6]) == {"name": {"before": '=HYPERLINK("http://evil")', "after": "Jansen"}}


def test_formula_at_cell_start_is_neutralised_in_export(login, firm, manager, django_capture_on_commit_callbacks):
    firm.name = "=cmd|' /C calc'!A0"
    firm.save()
    record_audit(actor=manager, action="firm.renamed", obj=firm)
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(reverse("core:audit_export"), {})
    job = BackgroundJob.objects.get()
    rows = list(csv.reader(io.StringIO(job.result_file.open("rb").read().decode())))
    assert rows[1][5] == "'=cmd|' /C calc'!A0"


def test_job_page_shows_progress_and_polls_until_finished(login, firm, manager):
    job = BackgroundJob.objects.create(firm=firm, created_by=manager, kind="x", title="Grote import",
                                       status="running", total=200, done=50)
    response = login(manager).get(reverse("core:job_detail", kwargs={"pk": job.pk}), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'value="25"' in body
    assert 'hx-trigger="every 1s"' in body
    BackgroundJob.objects.filter(pk=job.pk).update(status="succeeded", done=200)
    body = login(manager).get(reverse("core:job_detail", kwargs={"pk": job.pk})).content.decode()
    assert 'value="100"' in body
    assert "hx-trigger" not in body


def test_people_see_their_own_jobs_managers_all(firm, adviser, second_adviser, manager):
    mine = BackgroundJob.objects.create(firm=firm, created_by=adviser, kind="x", title="mine")
    theirs = BackgroundJob.objects.create(firm=firm, created_by=second_adviser, kind="x", title="theirs")
    assert list(BackgroundJob.objects.visible_to(adviser)) == [mine]
    assert set(BackgroundJob.objects.visible_to(manager)) == {mine, theirs}


def test_failed_job_records_the_error(firm, manager):
    from klantbelang.core.jobs import run_job

    job = BackgroundJob.objects.create(firm=firm, created_by=manager, kind="x", title="x")
    try:
        with run_job(job.pk) as progress:
            progress.set_total(10)
            progress.advance(4)
            raise ValueError("row 3 is broken")
    except ValueError:
        pass
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.message) == ("failed", 4, 10, "row 3 is broken")
    assert job.finished_at is not None
    assert AuditEvent.objects.count() == 0


def test_one_heavy_job_per_firm_and_kind_at_a_time(login, client, bearer, firm, other_firm, manager,
                                                   django_capture_on_commit_callbacks):
    """Regression: heavy jobs (score training, book review) could be queued without limit by one
    user. A second start while one is queued or running shows the one there is; another firm, or a
    start after it finished, makes a new one."""
    from klantbelang.accounts.tests.factories import member

    browser = login(manager)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not picked them up yet
        first = browser.post(reverse("quality:refresh"))
        second = browser.post(reverse("quality:refresh"))
        third = client.post("/api/v1/quality/refresh", headers=bearer(manager))
        elsewhere = client.post("/api/v1/quality/refresh", headers=bearer(member(other_firm, "manager")))
    job = BackgroundJob.objects.get(firm=firm, kind="quality_refresh")
    assert first["Location"] == second["Location"] == reverse("core:job_detail", args=[job.pk])
    assert third.json()["job_id"] == job.pk
    assert BackgroundJob.objects.filter(firm=other_firm, kind="quality_refresh").count() == 1
    assert elsewhere.status_code == 202
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=False):
        browser.post(reverse("quality:refresh"))
    assert BackgroundJob.objects.filter(firm=firm, kind="quality_refresh").count() == 2
