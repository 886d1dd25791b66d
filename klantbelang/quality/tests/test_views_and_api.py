import csv
import datetime
import io

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.urls import reverse

from klantbelang.core.models import AuditEvent
from klantbelang.quality import services
from klantbelang.quality.models import FileCheck, QualityGoal

from .factories import moment, product, released

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-01", "end": "2026-11"}


@pytest.fixture
def figures(firm, adviser, second_adviser):
    alfa = product(firm)
    released(firm, adviser, at=moment(2026, 10, 5), recommendations=[("death_cover", alfa, True, "")],
             reviews=[("approved", 5, None)])
    released(firm, second_adviser, at=moment(2026, 9, 5), recommendations=[("death_cover", alfa, False, "Wens")])
    services.refresh(firm, months=12, today=datetime.date(2026, 11, 20))


@pytest.mark.parametrize(("role", "status"), [
    ("manager", 200), ("admin_user", 200), ("adviser", 200), ("reviewer", 403), ("marketing", 403),
    ("product_developer", 403), ("client_user", 403)])
def test_who_sees_the_dashboard(request, login, figures, role, status):
    browser = login(request.getfixturevalue(role))
    for url in (reverse("quality:dashboard"), reverse("quality:module") + "?module=advice_fit",
                reverse("quality:files"), reverse("quality:export_csv")):
        assert browser.get(url, PERIOD if "?" not in url else None).status_code == status, url


def test_an_adviser_sees_only_their_own_page(login, figures, adviser, second_adviser, firm):
    browser = login(adviser)
    page = browser.get(reverse("quality:dashboard"), PERIOD)
    assert page.context["scope"].level == "adviser"
    assert page.context["scope"].advisers == [adviser.pk]
    assert browser.get(reverse("quality:dashboard"), {**PERIOD, "adviser": second_adviser.pk}).status_code == 403
    from klantbelang.accounts.models import Team

    team = Team.objects.create(firm=firm, name="Team A")
    assert browser.get(reverse("quality:dashboard"), {**PERIOD, "team": team.pk}).status_code == 403
    assert browser.get(reverse("quality:files"), {**PERIOD, "lead": second_adviser.pk}).status_code == 403
    assert login(adviser).get(reverse("quality:goals")).status_code == 403


def test_manager_sees_firm_team_and_adviser(login, figures, manager, adviser):
    browser = login(manager)
    firm_page = browser.get(reverse("quality:dashboard"), PERIOD)
    assert firm_page.context["values"]["releases"] == 2
    mine = browser.get(reverse("quality:dashboard"), {**PERIOD, "adviser": adviser.pk})
    assert mine.context["values"]["releases"] == 1
    assert 'data-refreshed' in firm_page.content.decode()


@pytest.mark.parametrize("url", ["quality:dashboard", "quality:module", "quality:files"])
def test_query_count_is_constant(login, firm, manager, adviser, url):
    alfa = product(firm)
    browser = login(manager)
    browser.get(reverse("core:home"))  # a session's first request does its one-time sign-in checks
    params = {**PERIOD, "module": "advice_fit"}

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert browser.get(reverse(url), params).status_code == 200
        return len(captured.captured_queries)

    released(firm, adviser, at=moment(2026, 10, 5), recommendations=[("death_cover", alfa, True, "")])
    services.refresh(firm, months=12, today=datetime.date(2026, 11, 20))
    small = count()
    for day in range(1, 12):
        released(firm, adviser, at=moment(2026, 8, day), recommendations=[("death_cover", alfa, day % 2 == 0, "x")],
                 reviews=[("approved", 3, None)])
    services.refresh(firm, months=12, today=datetime.date(2026, 11, 20))
    assert count() == small


# The check is dated by the clock; the dashboard's period must hold that date whatever day the suite runs.
@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_file_check_by_a_manager_feeds_the_score(login, figures, manager, adviser, firm):
    case = released(firm, adviser, at=moment(2026, 10, 6))
    browser = login(manager)
    denied = login(adviser).post(reverse("quality:file_check", args=[case.pk]), {"module": "advice_fit",
                                                                               "outcome": "good"})
    assert denied.status_code == 403
    assert not FileCheck.objects.exists()
    missing_note = browser.post(reverse("quality:file_check", args=[case.pk]),
                                {"module": "advice_fit", "outcome": "findings", "note": " "})
    assert missing_note.status_code == 302
    assert not FileCheck.objects.exists()
    browser.post(reverse("quality:file_check", args=[case.pk]), {"module": "advice_fit", "outcome": "good",
                                                                 "query": "start=2026-01&end=2026-11"})
    check = FileCheck.objects.get()
    assert (check.case, check.module, check.checked_by, check.outcome) == (case, "advice_fit", manager, "good")
    assert AuditEvent.objects.filter(action="quality.file_checked", object_id=str(case.pk)).count() == 1
    page = browser.get(reverse("quality:dashboard"), PERIOD)
    advice_fit = next(view for view in page.context["modules"] if view.module == "advice_fit")
    assert advice_fit.checks == (1, 0)


def test_goals_are_set_by_managers_only(login, firm, manager, adviser):
    response = login(adviser).post(reverse("quality:goals"), {"module": "aftercare", "target": 4})
    assert response.status_code == 403
    assert not QualityGoal.objects.exists()
    login(manager).post(reverse("quality:goals"), {"module": "aftercare", "target": 4})
    goal = QualityGoal.objects.get()
    assert (goal.module, goal.team, goal.target) == ("aftercare", None, 4)
    login(manager).post(reverse("quality:goals"), {"module": "aftercare", "target": 5})
    assert QualityGoal.objects.get().target == 5
    login(manager).post(reverse("quality:goals"), {"module": "aftercare", "target": ""})
    assert not QualityGoal.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="quality.goal").count() == 3


def test_csv_pdf_and_api_give_the_same_numbers(login, bearer, client, figures, manager):
    browser = login(manager)
    rows = list(csv.reader(io.StringIO(browser.get(reverse("quality:export_csv"), PERIOD).content.decode())))
    within = next(row for row in rows if row[1] == "within_target_market")
    assert within[3:6] == ["0.5", "1.0", "2.0"]
    pdf = browser.get(reverse("quality:export_pdf"), PERIOD)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    body = client.get("/api/v1/quality/dashboard?start=2026-01-01&end=2026-11-20", headers=bearer(manager)).json()
    fit = next(module for module in body["modules"] if module["module"] == "advice_fit")
    figure = next(item for item in fit["figures"] if item["metric"] == "within_target_market")
    assert (figure["value"], figure["numerator"], figure["denominator"]) == (0.5, 1.0, 2.0)
    assert body["level"] == "firm"
    assert body["figures_until"] is not None
    assert "revenue" not in str(body).lower()
    assert "omzet" not in str(body).lower()


def test_api_permissions(client, bearer, figures, adviser, second_adviser, product_developer, client_user):
    own = client.get("/api/v1/quality/dashboard", headers=bearer(adviser))
    assert own.status_code == 200
    assert own.json()["level"] == "adviser"
    other = client.get(f"/api/v1/quality/dashboard?adviser_id={second_adviser.pk}", headers=bearer(adviser))
    assert other.status_code == 403
    for user in (product_developer, client_user):
        assert client.get("/api/v1/quality/dashboard", headers=bearer(user)).status_code == 403
        assert client.post("/api/v1/quality/refresh", headers=bearer(user)).status_code == 403
    assert client.post("/api/v1/quality/refresh", headers=bearer(adviser)).status_code == 403


def test_refresh_runs_as_a_job(login, firm, manager, django_capture_on_commit_callbacks):
    from klantbelang.core.models import BackgroundJob
    from klantbelang.quality.models import Refresh

    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post(reverse("quality:refresh"))
    job = BackgroundJob.objects.get(kind="quality_refresh")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == "succeeded"
    assert Refresh.objects.filter(firm=firm).exists()


def test_bad_period_is_a_form_error_not_a_500(login, figures, manager):
    response = login(manager).get(reverse("quality:dashboard"), {"start": "2026-11", "end": "2026-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert login(manager).get(reverse("quality:module"), {"module": "nope"}).status_code == 404
    before = model_to_dict(manager)
    manager.refresh_from_db()
    assert model_to_dict(manager) == before
