"""The content of a needs profile (klantprofiel): one JSON document per version, plain Python.

Sections follow the inventory conversation: household (copied from the persons when a version
is made), income, assets and liabilities, commitments, pension, existing products, objectives,
risk, knowledge and experience, sustainability preferences and life events. ``derived`` holds
what is computed from the rest (risk tolerance, capacity for loss, the effective risk).
"""

import copy
import datetime

SOURCES = ("client", "adviser", "import")
INCOME_SOURCES = ("employment", "self_employment", "pension", "benefit", "other")
REPAYMENTS = ("annuity", "linear", "interest_only")
OBJECTIVE_TYPES = ("buy_home", "retire_early", "children_study", "protect_income", "build_wealth", "leave_legacy",
                   "pay_off_mortgage", "other")
PRIORITIES = ("need", "want", "wish")
LIFE_EVENTS = ("marriage", "child", "home_purchase", "job_change", "self_employment", "divorce", "death_of_partner",
               "retirement")
KNOWLEDGE_TYPES = ("investment", "mortgage", "insurance", "pension")
KNOWLEDGE_LEVELS = ("basic", "informed", "advanced")
LOSS_CAPACITIES = ("none", "limited", "no_guarantee", "beyond_capital")

# The risk questionnaire: five questions, answers 1 (most careful) to 4 (most daring).
RISK_QUESTIONS = ("reaction_to_fall", "goal", "experience_with_swings", "share_you_can_miss", "patience")


def empty_profile() -> dict:
    return {
        "client_type": "retail",
        "service": "advice",
        "household": [],
        "income": [],
        "assets": {"savings": None, "investments": None, "home_value": None, "other": None},
        "mortgage_parts": [],
        "monthly_commitments": None,
        "pension": {"employer_scheme": None, "expected_yearly": None, "aow_age": None, "annuities": None},
        "existing_products": [],
        "objectives": [],
        # The client's situation and goals as the client puts them; the advice report quotes it.
        "own_words": "",
        "risk": {"answers": {}, "horizon_years": None, "loss_capacity": None, "loss_limit_pct": None,
                 "capacity_confirmed": False},
        "knowledge": {"levels": {}, "answers": {}},
        "sustainability": {"asked": False, "taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0, "pai": False,
                           "pai_types": []},
        "life_events": [],
        # Sections answered explicitly, so that "none" (e.g. no existing policies) differs from "not asked".
        "answered_sections": [],
    }


def merge(base: dict, changes: dict) -> dict:
    """``base`` with ``changes`` applied: dicts merge key by key, lists and values replace."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def flatten(data, prefix: str = "") -> dict[str, object]:
    """Dotted paths to leaf values (lists keep their index): the unit of provenance and of diffs."""
    if isinstance(data, dict):
        items = {}
        for key, value in data.items():
            items.update(flatten(value, f"{prefix}{key}."))
        return items or ({prefix[:-1]: {}} if prefix else {})
    if isinstance(data, list):
        items = {}
        for index, value in enumerate(data):
            items.update(flatten(value, f"{prefix}{index}."))
        return items or ({prefix[:-1]: []} if prefix else {})
    return {prefix[:-1]: data}


def age_on(date_of_birth: str | None, today: datetime.date) -> int | None:
    if not date_of_birth:
        return None
    born = datetime.date.fromisoformat(date_of_birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def risk_tolerance(answers: dict) -> int | None:
    """The questionnaire on the PRIIPs SRI scale: five answers 1–4 (sum 5–20) → 1–7."""
    if any(answers.get(question) not in {1, 2, 3, 4} for question in RISK_QUESTIONS):
        return None
    total = sum(answers[question] for question in RISK_QUESTIONS)
    return 1 + round((total - 5) * 6 / 15)


def suggested_loss_capacity(data: dict) -> tuple[str | None, float | None]:
    """Capacity for loss from the financial situation, for the client to confirm.

    Money the household needs (a buffer of six months of commitments) cannot be put at risk; the
    part of the liquid assets above that can. No free assets: no loss. Free assets under half of
    the liquid assets: a limited loss, up to that share. Otherwise no guarantee is needed.
    """
    savings = data["assets"].get("savings")
    commitments = data.get("monthly_commitments")
    if savings is None or commitments is None:
        return None, None
    liquid = savings + (data["assets"].get("investments") or 0)
    free = liquid - 6 * commitments
    if free <= 0 or liquid <= 0:
        return "none", None
    share = free / liquid
    if share < 0.5:
        return "limited", float(max(5, int(share * 100) // 5 * 5))
    return "no_guarantee", None


CAPACITY_MAX_SRI = {"none": 1, "no_guarantee": 6, "beyond_capital": 7}


def capacity_max_sri(capacity: str | None, limit_pct: float | None) -> int | None:
    """The highest risk indicator the capacity for loss allows."""
    if capacity is None:
        return None
    if capacity == "limited":
        if limit_pct is None or limit_pct <= 10:
            return 2
        return 3 if limit_pct <= 25 else 4
    return CAPACITY_MAX_SRI[capacity]


def derive(data: dict) -> dict:
    """What follows from the profile: tolerance, capacity, and the risk that applies (the lower)."""
    tolerance = risk_tolerance(data["risk"].get("answers") or {})
    capacity = data["risk"].get("loss_capacity")
    limit = data["risk"].get("loss_limit_pct")
    ceiling = capacity_max_sri(capacity, limit)
    effective = tolerance if ceiling is None or tolerance is None else min(tolerance, ceiling)
    suggestion, suggested_limit = suggested_loss_capacity(data)
    return {
        "risk_tolerance": tolerance,
        "capacity_max_sri": ceiling,
        "effective_risk": effective,
        "capacity_limits_risk": tolerance is not None and ceiling is not None and ceiling < tolerance,
        "suggested_loss_capacity": suggestion,
        "suggested_loss_limit_pct": suggested_limit,
    }


OBJECTIVES_FOR_NEED = {
    "wealth_building": ["growth"], "goal_funding": ["growth"], "capital_preservation": ["preservation"],
    "emergency_buffer": ["preservation"], "pension_gap": ["income", "growth"],
}


def to_match_profile(data: dict, *, need_type: str | None = None, today: datetime.date) -> dict:
    """The client profile JSON the matching engine reads, for one need (or the whole profile)."""
    derived = derive(data)
    levels = data["knowledge"].get("levels") or {}
    domain_knowledge = "insurance" if need_type and need_type.endswith("_cover") else "investment"
    capacity = data["risk"].get("loss_capacity") or "none"
    horizons = [objective.get("horizon_years") for objective in data.get("objectives", [])
                if objective.get("horizon_years") is not None]
    horizon = data["risk"].get("horizon_years")
    if horizon is None and horizons:
        horizon = max(horizons)
    objectives = OBJECTIVES_FOR_NEED.get(need_type or "", ["hedging"] if need_type else ["growth"])
    client = next((person for person in data.get("household", []) if person.get("role") == "client"), {})
    age = age_on(client.get("date_of_birth"), today)
    if need_type and need_type not in OBJECTIVES_FOR_NEED:
        # Protection and mortgage needs run until the state pension age, not over an investment horizon.
        aow_age = data["pension"].get("aow_age") or 67
        horizon = max(1, int(aow_age - age)) if age is not None else max(horizon or 0, 1)
    profile = {
        "client_type": data.get("client_type", "retail"),
        "knowledge": levels.get(domain_knowledge) or "basic",
        "ability_to_bear_loss": capacity,
        "loss_limit_pct": data["risk"].get("loss_limit_pct"),
        "risk_tolerance": derived["effective_risk"] or 1,
        "objectives": objectives,
        "horizon_years": horizon if horizon is not None else 0,
        "service": data.get("service", "advice"),
        "sustainability": {key: data["sustainability"].get(key, default) for key, default in
                           (("taxonomy_min_pct", 0), ("sfdr_sustainable_min_pct", 0), ("pai", False))},
    }
    if need_type:
        profile["need_type"] = need_type
    if age is not None:
        profile["age"] = age
    return profile
