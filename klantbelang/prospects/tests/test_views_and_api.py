import csv
import datetime
import io

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from klantbelang.core.models import AuditEvent, BackgroundJob
from klantbelang.prospects import scoring, services
from klantbelang.prospects.models import LostReason, Prospect, ScoringModel, Source, StageChange

from .factories import GOOD_CHECK, prospect, source, stage

pytestmark = pytest.mark.django_db

PAGES = ["prospects:board", "prospects:list", "prospects:create", "prospects:model"]
MARKETING_PAGES = ["prospects:sources", "prospects:settings", "prospects:report", "prospects:report_csv"]


@pytest.mark.parametrize(("role", "pipeline", "marketing_pages"), [
    ("adviser", 200, 403), ("marketing", 200, 200), ("manager", 200, 200), ("admin_user", 200, 200),
    ("reviewer", 403, 403), ("product_developer", 403, 403), ("client_user", 403, 403),
])
def test_who_sees_the_pipeline(request, login, firm, marketing, role, pipeline, marketing_pages):
    user = request.getfixturevalue(role)
    item = prospect(firm, marketing)
    browser = login(user)
    for name in PAGES:
        assert browser.get(reverse(name)).status_code == pipeline, name
    for name in MARKETING_PAGES:
        assert browser.get(reverse(name)).status_code == marketing_pages, name
    detail = browser.get(reverse("prospects:detail", args=[item.pk])).status_code
    assert detail == (200 if pipeline == 200 else 404)


@pytest.mark.parametrize("role", ["reviewer", "product_developer", "client_user"])
def test_roles_outside_the_pipeline_change_nothing(request, login, firm, marketing, role):
    item = prospect(firm, marketing)
    before, audit = model_to_dict(item), AuditEvent.objects.count()
    browser = login(request.getfixturevalue(role))
    for name, data in (("prospects:move", {"stage": stage(firm, "qualifying").pk}),
                       ("prospects:log_time", {"activity": "call", "minutes": 5, "on": "2026-11-01"}),
                       ("prospects:override", {"score": 50, "reason": "x"}),
                       ("prospects:relationship_check", GOOD_CHECK)):
        assert browser.post(reverse(name, args=[item.pk]), data).status_code == 404
    item.refresh_from_db()
    assert model_to_dict(item) == before
    assert AuditEvent.objects.count() == audit


def test_an_adviser_cannot_edit_a_colleagues_prospect(login, firm, marketing, adviser, second_adviser):
    item = prospect(firm, marketing)
    services.assign(prospect=item, by=marketing, adviser=second_adviser)
    item.refresh_from_db()
    before, audit = model_to_dict(item), AuditEvent.objects.count()
    browser = login(adviser)
    assert browser.get(reverse("prospects:edit", args=[item.pk])).status_code == 403
    assert browser.post(reverse("prospects:override", args=[item.pk]), {"score": 90, "reason": "x"}).status_code == 403
    item.refresh_from_db()
    assert model_to_dict(item) == before
    assert AuditEvent.objects.count() == audit


def test_create_through_the_form_and_see_the_qualification(login, firm, marketing):
    services.ensure_pipeline(firm)
    web = source(firm)
    browser = login(marketing)
    response = browser.post(reverse("prospects:create"), {
        "first_name": "Iris", "last_name": "Bos", "kind": "person", "household_size": 1, "audience": "private",
        "country": "NL", "assets": "unknown", "stated_needs": ["pension_gap", "car_cover"], "source": web.pk})
    item = Prospect.objects.get(last_name="Bos")
    assert response.status_code == 302
    assert response["Location"] == reverse("prospects:detail", args=[item.pk])
    page = browser.get(reverse("prospects:detail", args=[item.pk])).content.decode()
    assert 'data-fit="in"' in page  # the default scope serves every need
    assert "data-no-score" in page
    assert "50" in page


def test_bad_form_input_gives_field_errors_and_writes_nothing(login, firm, marketing):
    services.ensure_pipeline(firm)
    browser = login(marketing)
    response = browser.post(reverse("prospects:create"), {
        "first_name": "", "last_name": "<script>x</script>", "household_size": 99, "birth_year": 1200,
        "source": 999999, "kind": "person", "audience": "private", "country": "NL", "assets": "unknown"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"first_name", "household_size", "birth_year", "source"} <= set(errors)
    assert not Prospect.objects.exists()


def test_htmx_move_returns_the_board_with_the_error(login, firm, adviser):
    item = prospect(firm, adviser)
    browser = login(adviser)
    url = reverse("prospects:move", args=[item.pk])
    response = browser.post(url, {"stage": stage(firm, "lost").pk, "edit_version": item.edit_version},
                            headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="board"' in body
    assert 'role="alert"' in body
    item.refresh_from_db()
    assert item.stage.kind == "new"
    reason = LostReason.objects.get(firm=firm, code="no_need")
    response = browser.post(url, {"stage": stage(firm, "lost").pk, "lost_reason": reason.pk,
                                  "edit_version": item.edit_version}, headers={"HX-Request": "true"})
    assert 'role="alert"' not in response.content.decode()
    item.refresh_from_db()
    assert item.stage.kind == "lost"
    assert item.lost_reason == reason


def test_board_query_count_does_not_grow_with_prospects(login, firm, marketing, django_assert_max_num_queries):
    for _ in range(3):
        prospect(firm, marketing)
    browser = login(marketing)
    browser.get(reverse("prospects:board"))
    with django_assert_max_num_queries(12) as small:
        browser.get(reverse("prospects:board"))
    for _ in range(20):
        prospect(firm, marketing)
    with django_assert_max_num_queries(len(small.captured_queries)):
        browser.get(reverse("prospects:board"))


def test_api_create_transition_time_and_score(client, bearer, firm, adviser):
    services.ensure_pipeline(firm)
    web = source(firm)
    headers = bearer(adviser)
    created = client.post("/api/v1/prospects", {"first_name": "Tess", "last_name": "Kok", "source_id": web.pk,
                                                "stated_needs": ["mortgage_financing"]},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201
    body = created.json()
    assert body["stage_kind"] == "new"
    assert body["owner_id"] == adviser.pk
    pid = body["id"]
    lost = client.post(f"/api/v1/prospects/{pid}/transitions", {"stage_id": stage(firm, "lost").pk},
                       content_type="application/json", headers=headers)
    assert lost.status_code == 422
    assert [error["field"] for error in lost.json()["errors"]] == ["lost_reason"]
    agreement = client.post(f"/api/v1/prospects/{pid}/transitions", {"stage_id": stage(firm, "qualifying").pk},
                            content_type="application/json", headers=headers)
    assert agreement.status_code == 200
    too_early = client.post(f"/api/v1/prospects/{pid}/transitions", {"stage_id": stage(firm, "agreement").pk},
                            content_type="application/json", headers=headers)
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "invalid_transition"
    check = client.post(f"/api/v1/prospects/{pid}/relationship-check", GOOD_CHECK, content_type="application/json",
                        headers=headers)
    assert check.json()["mutual"] is True
    assert check.json()["concerns"] == []
    stale = client.patch(f"/api/v1/prospects/{pid}", {"edit_version": 1, "phone": "06"},
                         content_type="application/json", headers=headers)
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    time = client.post(f"/api/v1/prospects/{pid}/time-entries",
                       {"activity": "meeting", "minutes": 60, "on": str(timezone.localdate())},
                       content_type="application/json", headers=headers)
    assert time.status_code == 201
    huge = client.post(f"/api/v1/prospects/{pid}/time-entries",
                       {"activity": "meeting", "minutes": 100000, "on": str(timezone.localdate())},
                       content_type="application/json", headers=headers)
    assert huge.status_code == 422
    score = client.get(f"/api/v1/prospects/{pid}/score", headers=headers).json()
    assert score["score"] is None
    assert score["relationship_check"] == "mutual"
    assert score["fit"] == "in"
    assert "50" in score["why_no_score"]
    assert client.get(f"/api/v1/prospects/{pid}/time-entries", headers=headers).json()[0]["minutes"] == 60


def test_api_marketing_lists_are_marketings(client, bearer, firm, adviser, marketing):
    denied = client.post("/api/v1/prospect-sources", {"name": "Beurs", "channel": "event"},
                         content_type="application/json", headers=bearer(adviser))
    assert denied.status_code == 403
    assert not Source.objects.filter(name="Beurs").exists()
    created = client.post("/api/v1/prospect-sources", {"name": "Beurs", "channel": "event"},
                          content_type="application/json", headers=bearer(marketing))
    assert created.status_code == 201
    duplicate = client.post("/api/v1/prospect-sources", {"name": "Beurs", "channel": "event"},
                            content_type="application/json", headers=bearer(marketing))
    assert duplicate.status_code == 422
    assert [error["field"] for error in duplicate.json()["errors"]] == ["name"]
    campaign = client.post("/api/v1/campaigns", {"name": "Beurs 2026", "source_id": created.json()["id"],
                                                 "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
                           content_type="application/json", headers=bearer(marketing))
    assert campaign.status_code == 422
    assert [error["field"] for error in campaign.json()["errors"]] == ["ends_on"]


def _history(firm, by, *, lasting: int, other: int):
    """Closed prospects written directly: ``lasting`` referrals won two years ago, ``other`` list
    leads that were lost; the channel carries the signal."""
    services.ensure_pipeline(firm)
    referral, listing = source(firm, "Referral", "client_referral"), source(firm, "List", "purchased_list")
    won, lost = stage(firm, "won"), stage(firm, "lost")
    reason = LostReason.objects.filter(firm=firm).first()
    long_ago = timezone.now() - datetime.timedelta(days=800)
    rows = [Prospect(firm=firm, first_name="P", last_name=str(index), source=referral if index < lasting else listing,
                     owner=by, stage=won if index < lasting else lost, lost_reason=None if index < lasting else reason,
                     won_on=long_ago.date() if index < lasting else None, created_at=long_ago,
                     stated_needs=["pension_gap"], birth_year=1970 + index % 20)
            for index in range(lasting + other)]
    # A few crossovers, so that the outcome is not perfectly separable.
    for row in rows[:8]:
        row.source = listing
    for row in rows[-8:]:
        row.source = referral
    Prospect.objects.bulk_create(rows)


def test_training_as_a_background_job_then_scores_with_factors(client, login, firm, marketing, adviser,
                                                               django_capture_on_commit_callbacks):
    _history(firm, marketing, lasting=60, other=70)
    fresh = prospect(firm, adviser, source=source(firm, "Referral", "client_referral"))
    cold = prospect(firm, adviser, source=source(firm, "List", "purchased_list"))
    browser = login(marketing)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("prospects:train"))
    job = BackgroundJob.objects.get(kind="prospect_score_training")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == "succeeded"
    assert job.done == job.total
    model = ScoringModel.objects.get(firm=firm)
    assert (model.rows, model.positives) == (130, 60)
    assert {"auc", "capture_top20", "brier", "baseline_logistic", "baseline_naive_bayes"} <= set(model.metrics)
    # 60 lasting clients is fewer than the 100 a comparison of candidates needs: the simple model, said so.
    assert (model.metrics["chosen"], model.metrics["reason"]) == ("logistic", "small_history")
    assert list(model.metrics["candidates"]) == ["logistic"]
    fresh.refresh_from_db()
    cold.refresh_from_db()
    assert fresh.score > cold.score
    top = fresh.score_factors[0]
    assert top["effect"] > 0
    assert top["feature"] in {"channel", "source"}
    assert top["text_en"].startswith(
        ("Channel", "Source"))
    card = browser.get(reverse("prospects:model")).content.decode()
    assert "data-trained" in card
    assert 'data-metric="auc"' in card
    detail = login(adviser).get(reverse("prospects:detail", args=[fresh.pk])).content.decode()
    assert "data-score" in detail
    assert "data-no-score" not in detail
    api = client.get("/api/v1/scoring-model", headers={"Authorization": _token(adviser)}).json()
    assert api["rows"] == 130
    assert api["history"]["enough"] is True
    assert api["chosen"] == "logistic"
    assert api["why_chosen"].startswith("Met minder dan 100 prospects van de zeldzamere uitkomst")


def test_training_on_a_longer_history_compares_the_candidates_on_the_card(client, login, firm, marketing):
    _history(firm, marketing, lasting=110, other=130)
    model = scoring.train(firm=firm, by=marketing)
    assert set(model.metrics["candidates"]) == {"logistic", "additive", "boosted_trees"}
    assert model.metrics["reason"] == "rule"
    chosen = model.metrics["candidates"][model.metrics["chosen"]]
    baseline = model.metrics["baseline_logistic"]
    assert chosen["auc"] >= baseline["auc"]
    assert chosen["capture_top20"] >= baseline["capture_top20"]
    assert scoring.load(model).candidate == model.metrics["chosen"]
    browser = login(marketing)
    for language, badge, rule in (("nl", "gekozen", "Gekozen volgens de regel"),
                                  ("en", "chosen", "Chosen by the rule")):
        browser.cookies["django_language"] = language
        card = browser.get(reverse("prospects:model"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert card.count("data-candidate=") == 3
        assert f'data-candidate="{model.metrics["chosen"]}" class="chosen"' in card
        assert f'<span class="badge">{badge}</span>' in card
        assert rule in card


def _token(user):
    from klantbelang.accounts.services import issue_api_token

    return f"Bearer {issue_api_token(user=user, name='t')[1]}"


def test_training_refused_without_history(login, firm, marketing):
    response = login(marketing).post(reverse("prospects:train"), follow=True)
    assert "Nog te weinig historie om een score te trainen." in response.content.decode()
    assert not BackgroundJob.objects.exists()
    assert not ScoringModel.objects.exists()


def test_report_csv_neutralises_formulas(login, firm, marketing):
    item = prospect(firm, marketing, source=source(firm, "=HYPERLINK(\"x\")", "other"))
    services.log_time(prospect=item, by=marketing, activity="call", minutes=30, on=timezone.localdate())
    response = login(marketing).get(reverse("prospects:report_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["group", "name", "prospects", "hours"]
    (line,) = [row for row in rows[1:] if row[0] == "source"]
    assert line[1] == "'=HYPERLINK(\"x\")"
    assert line[2] == "1"
    assert line[3] == "0.5"


def test_report_api_matches_the_page(client, bearer, firm, marketing):
    item = prospect(firm, marketing)
    services.move(prospect=item, to=stage(firm, "lost"), by=marketing,
                  lost_reason=LostReason.objects.get(firm=firm, code="price"))
    body = client.get("/api/v1/prospects/report", headers=bearer(marketing)).json()
    (line,) = body["by_source"]
    assert (line["name"], line["prospects"], line["lost"], line["lost_reasons"]) == ("Website", 1, 1, {"price": 1})
    bad = client.get("/api/v1/prospects/report?start=2026-05-01&end=2026-01-01", headers=bearer(marketing))
    assert bad.status_code == 422


def test_settings_rename_a_stage_and_add_a_lost_reason(login, firm, marketing, manager):
    services.ensure_pipeline(firm)
    new = stage(firm, "new")
    browser = login(marketing)
    browser.post(reverse("prospects:settings"), {"save_stage": new.pk, f"stage{new.pk}-name_nl": "Binnengekomen",
                                                 f"stage{new.pk}-name_en": "Came in"})
    new.refresh_from_db()
    assert (new.name_nl, new.name_en, new.kind) == ("Binnengekomen", "Came in", "new")
    browser.post(reverse("prospects:settings"), {"save_reason": "1", "reason-code": "moved", "reason-label_nl":
                                                 "Verhuisd", "reason-label_en": "Moved", "reason-active": "on"})
    assert LostReason.objects.filter(firm=firm, code="moved").exists()
    scope_before = model_to_dict(firm.service_scope)
    browser.post(reverse("prospects:settings"), {"save_scope": "1", "scope-needs": ["pension_gap"],
                                                 "scope-default_capacity": 3, "scope-hourly_cost": 80})
    firm.service_scope.refresh_from_db()
    assert model_to_dict(firm.service_scope) == scope_before  # marketing may not set the scope
    login(manager).post(reverse("prospects:settings"), {"save_scope": "1", "scope-needs": ["pension_gap"],
                                                        "scope-default_capacity": 3, "scope-hourly_cost": 80})
    firm.service_scope.refresh_from_db()
    assert firm.service_scope.needs == ["pension_gap"]
    assert firm.service_scope.default_capacity == 3


def test_stage_log_is_shown_with_durations(login, firm, marketing):
    item = prospect(firm, marketing)
    services.move(prospect=item, to=stage(firm, "qualifying"), by=marketing)
    assert StageChange.objects.filter(prospect=item).count() == 2
    page = login(marketing).get(reverse("prospects:detail", args=[item.pk])).content.decode()
    assert "<td>Kwalificeren</td>" in page


@time_machine.travel(datetime.datetime(2028, 2, 29, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_report_opens_on_leap_day(login, client, bearer, marketing):
    # The default period reaches back three years: 29 February 2025 does not exist, 28 February does.
    page = login(marketing).get(reverse("prospects:report"))
    assert page.status_code == 200
    response = client.get("/api/v1/prospects/report", headers=bearer(marketing))
    assert response.status_code == 200
    assert response.json()["start"] == "2025-02-28"


def test_a_new_prospect_is_scored_at_once_and_again_when_its_features_change(
        client, firm, marketing, adviser, django_capture_on_commit_callbacks):
    """Regression: a new prospect had no score until the nightly batch, and ``why_no_score`` was
    empty. Now creating it, or changing what the score reads, scores it in the background."""
    _history(firm, marketing, lasting=60, other=70)
    scoring.train(firm=firm, by=marketing)
    referral = Source.objects.get(firm=firm, name="Referral")
    headers = {"Authorization": _token(adviser)}
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/prospects", content_type="application/json", headers=headers, data={
            "first_name": "Nina", "last_name": "Nieuw", "source_id": referral.pk, "stated_needs": ["pension_gap"]})
    assert created.status_code == 201
    fresh = Prospect.objects.get(pk=created.json()["id"])
    assert fresh.score is not None
    assert 0 < fresh.score < 1
    assert fresh.score_factors  # with the reasons, in words
    assert fresh.score_model == scoring.current_model(firm)
    first = (fresh.score, fresh.scored_at)
    score = client.get(f"/api/v1/prospects/{fresh.pk}/score", headers=headers).json()
    assert (score["score"], score["why_no_score"]) == (fresh.score, "")
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(f"/api/v1/prospects/{fresh.pk}", content_type="application/json", headers=headers,
                     data={"household_size": 4, "stated_needs": ["pension_gap", "death_cover"],
                           "edit_version": fresh.edit_version})
    fresh.refresh_from_db()
    assert fresh.household_size == 4
    assert fresh.scored_at > first[1]  # what the score reads changed: scored again
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(f"/api/v1/prospects/{fresh.pk}", content_type="application/json", headers=headers,
                     data={"own_words": "Bel mij na vijven.", "edit_version": fresh.edit_version})
    assert Prospect.objects.get(pk=fresh.pk).scored_at == fresh.scored_at  # not a feature: not rescored


def test_why_no_score_names_the_reason(client, firm, marketing, adviser):
    waiting = prospect(firm, adviser)
    headers = {"Authorization": _token(adviser)}
    without = client.get(f"/api/v1/prospects/{waiting.pk}/score", headers=headers).json()["why_no_score"]
    assert without.startswith("Te weinig historie")
    _history(firm, marketing, lasting=60, other=70)
    scoring.train(firm=firm, by=marketing)  # a model now, but this prospect was not scored yet
    pending = client.get(f"/api/v1/prospects/{waiting.pk}/score", headers=headers).json()["why_no_score"]
    assert pending.startswith("De score wordt op de achtergrond berekend")
    from django.utils import translation

    closed = Prospect.objects.filter(stage__kind="lost").first()
    with translation.override("en"):
        assert scoring.why_no_score(closed, scoring.current_model(firm), today=timezone.localdate()) == (
            "Only open prospects are scored; this one is closed.")
