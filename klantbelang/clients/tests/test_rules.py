"""Table-driven tests for every completeness rule and the risk profile (plain Python). The needs come from
the planning core: klantbelang/planning/tests and test_planning.py next to this file."""

import datetime

import pytest

from klantbelang.clients.completeness import REQUIRED, contradictions, missing_for
from klantbelang.clients.profile_data import (
    capacity_max_sri,
    derive,
    empty_profile,
    merge,
    risk_tolerance,
    suggested_loss_capacity,
    to_match_profile,
)

TODAY = datetime.date(2026, 11, 26)
CLIENT = {"role": "client", "date_of_birth": "1980-05-01", "employment": "employment"}
PARTNER = {"role": "partner", "date_of_birth": "1982-01-01", "employment": "employment"}


def profile(**changes):
    return merge(empty_profile(), {"household": [CLIENT], **changes})


COMPLETE = {
    "household": [CLIENT], "income": [{"person": "client", "source": "employment", "gross_yearly": 50000}],
    "monthly_commitments": 1500, "assets": {"savings": 10000, "home_value": 300000},
    "knowledge": {"levels": {"mortgage": "basic", "investment": "informed"}},
    "objectives": [{"type": "build_wealth", "horizon_years": 10, "priority": "want"}],
    "answered_sections": ["existing_products"],
    "pension": {"employer_scheme": True, "expected_yearly": 20000, "aow_age": 67},
    "risk": {"answers": dict.fromkeys(("reaction_to_fall", "goal", "experience_with_swings", "share_you_can_miss",
                                       "patience"), 2),
             "loss_capacity": "limited", "loss_limit_pct": 20, "capacity_confirmed": True, "horizon_years": 10},
    "sustainability": {"asked": True},
}


@pytest.mark.parametrize("domain", list(REQUIRED))
def test_a_complete_profile_misses_nothing(domain):
    assert missing_for(merge(empty_profile(), COMPLETE), domain) == []


@pytest.mark.parametrize(("removed", "domains"), [
    ({"household": [{"role": "client", "date_of_birth": None, "employment": "employment"}]},
     {"mortgage", "pension", "income_protection", "life", "non_life", "investment"}),
    ({"income": []}, {"mortgage", "pension", "income_protection", "life", "non_life", "investment"}),
    ({"monthly_commitments": None}, {"mortgage", "pension", "income_protection", "life", "non_life", "investment"}),
    ({"assets": {"savings": None}}, {"mortgage", "pension", "income_protection", "life", "non_life", "investment"}),
    ({"assets": {"home_value": None}}, {"mortgage", "non_life"}),
    ({"knowledge": {"levels": {"mortgage": None}}}, {"mortgage"}),
    ({"knowledge": {"levels": {"investment": None}}}, {"investment"}),
    ({"answered_sections": []}, {"mortgage", "income_protection", "life", "non_life"}),
    ({"pension": {"expected_yearly": None}}, {"pension"}),
    ({"pension": {"employer_scheme": None}}, {"pension"}),
    ({"pension": {"aow_age": None}}, {"pension"}),
    ({"objectives": []}, {"mortgage", "pension", "investment"}),
    ({"risk": {"answers": {"patience": None}}}, {"pension", "investment"}),
    ({"risk": {"capacity_confirmed": False}}, {"pension", "investment"}),
    ({"risk": {"horizon_years": None}}, {"investment"}),
    ({"sustainability": {"asked": False}}, {"investment"}),
])
def test_each_missing_item_blocks_exactly_its_domains(removed, domains):
    data = merge(merge(empty_profile(), COMPLETE), removed)
    assert {domain for domain in REQUIRED if missing_for(data, domain)} == domains
    first = next(item for domain in domains for item in missing_for(data, domain))
    assert first["why_nl"]
    assert first["why_en"]


@pytest.mark.parametrize(("answers", "expected"), [
    ((1, 1, 1, 1, 1), 1), ((4, 4, 4, 4, 4), 7), ((2, 2, 2, 2, 2), 3), ((3, 3, 3, 2, 2), 4), ((1, 2, 3, 4, 4), 5),
])
def test_risk_questionnaire_maps_to_the_sri_scale(answers, expected):
    questions = ("reaction_to_fall", "goal", "experience_with_swings", "share_you_can_miss", "patience")
    assert risk_tolerance(dict(zip(questions, answers, strict=True))) == expected
    assert risk_tolerance(dict(zip(questions[:4], answers, strict=False))) is None


@pytest.mark.parametrize(("capacity", "limit", "expected"), [
    ("none", None, 1), ("limited", 10, 2), ("limited", 20, 3), ("limited", 40, 4), ("no_guarantee", None, 6),
    ("beyond_capital", None, 7), (None, None, None),
])
def test_capacity_ceiling(capacity, limit, expected):
    assert capacity_max_sri(capacity, limit) == expected


def test_the_lower_of_tolerance_and_capacity_applies_and_the_profile_says_so():
    data = merge(empty_profile(), {"risk": {"answers": dict.fromkeys(
        ("reaction_to_fall", "goal", "experience_with_swings", "share_you_can_miss", "patience"), 4),
        "loss_capacity": "limited", "loss_limit_pct": 10}})
    derived = derive(data)
    assert (derived["risk_tolerance"], derived["capacity_max_sri"], derived["effective_risk"]) == (7, 2, 2)
    assert derived["capacity_limits_risk"] is True
    assert to_match_profile(data, today=TODAY)["risk_tolerance"] == 2


@pytest.mark.parametrize(("savings", "investments", "commitments", "expected"), [
    (5000, 0, 1000, ("none", None)),
    (10000, 10000, 2000, ("limited", 40.0)),
    (100000, 0, 1000, ("no_guarantee", None)),
    (None, 0, 1000, (None, None)),
])
def test_suggested_loss_capacity_from_the_finances(savings, investments, commitments, expected):
    data = merge(empty_profile(), {"assets": {"savings": savings, "investments": investments},
                                   "monthly_commitments": commitments})
    assert suggested_loss_capacity(data) == expected


@pytest.mark.parametrize(("changes", "codes"), [
    ({"risk": {"answers": dict.fromkeys(("reaction_to_fall", "goal", "experience_with_swings",
                                         "share_you_can_miss", "patience"), 4), "loss_capacity": "none"}},
     ["tolerance_without_capacity"]),
    ({"risk": {"horizon_years": 5}, "objectives": [{"type": "build_wealth", "horizon_years": 15}]},
     ["horizon_shorter_than_goal"]),
    ({"income": [{"gross_yearly": 30000}], "monthly_commitments": 2000}, ["commitments_above_income"]),
    ({"income": [{"gross_yearly": 60000}], "monthly_commitments": 2000}, []),
])
def test_contradictions(changes, codes):
    assert [item["code"] for item in contradictions(merge(empty_profile(), changes))] == codes


def test_match_profile_from_the_inventory():
    data = merge(empty_profile(), COMPLETE)
    assert to_match_profile(data, need_type="wealth_building", today=TODAY) == {
        "client_type": "retail", "knowledge": "informed", "ability_to_bear_loss": "limited", "loss_limit_pct": 20,
        "risk_tolerance": 3, "objectives": ["growth"], "horizon_years": 10, "service": "advice",
        "sustainability": {"taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0, "pai": False},
        "need_type": "wealth_building", "age": 46,
    }
