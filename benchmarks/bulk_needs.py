"""Quick household-level needs for bulk synthetic data in the benchmarks (100,000 households in
seconds). The product derives needs with the planning core (klantbelang/planning, docs/planning.md);
these rules only give the benchmark books a realistic spread of need types to read."""

import datetime
from dataclasses import asdict, dataclass

from klantbelang.clients.profile_data import age_on

BUFFER_MONTHS = 3
INCOME_PROTECTION_SHARE = 0.7  # of gross income, the usual AOV cover
PENSION_TARGET_SHARE = 0.7  # of current gross income at the state pension age
# Gross state pension (AOW) a year, 2026 level, rounded: single and per person living together.
AOW_SINGLE = 19_600
AOW_COUPLE_EACH = 13_400
RATE_RESET_MONTHS = 12


@dataclass(frozen=True)
class Need:
    type: str
    domain: str
    priority: str  # need / want / wish
    amount: float | None
    reason_nl: str
    reason_en: str


def _money(value: float) -> str:
    return f"€ {value:,.0f}".replace(",", ".")


def _products(data, category):
    return [product for product in data.get("existing_products", []) if product.get("category") == category]


def emergency_buffer(data, today):
    commitments, savings = data.get("monthly_commitments"), data["assets"].get("savings")
    if commitments is None or savings is None:
        return []
    target = BUFFER_MONTHS * commitments
    if savings >= target:
        return []
    gap = target - savings
    return [Need("emergency_buffer", "investment", "need", round(gap, 2),
                 f"Het spaargeld ({_money(savings)}) is minder dan drie maanden vaste lasten ({_money(target)}).",
                 f"Savings ({_money(savings)}) are less than three months of fixed commitments ({_money(target)}).")]


def income_protection(data, today):
    if _products(data, "income_protection"):
        return []
    needs = []
    for person in data.get("household", []):
        if person.get("employment") != "self_employment":
            continue
        income = sum(item.get("gross_yearly") or 0 for item in data.get("income", [])
                     if item.get("person") == person.get("role") and item.get("source") == "self_employment")
        if income <= 0:
            continue
        cover = round(INCOME_PROTECTION_SHARE * income, 2)
        needs.append(Need("income_protection", "income_protection", "need", cover,
                          f"Als zelfstandige ({person.get('role')}) is het inkomen van {_money(income)} niet "
                          f"verzekerd tegen arbeidsongeschiktheid.",
                          f"As self-employed ({person.get('role')}), the income of {_money(income)} is not insured "
                          f"against disability."))
    return needs


def death_cover(data, today):
    dependants = [person for person in data.get("household", []) if person.get("role") in {"partner", "dependant"}]
    mortgage = sum(part.get("amount") or 0 for part in data.get("mortgage_parts", []))
    if not dependants or mortgage <= 0:
        return []
    covered = sum(product.get("cover") or 0 for product in _products(data, "term_life"))
    if covered >= mortgage:
        return []
    gap = mortgage - covered
    return [Need("death_cover", "life", "need", round(gap, 2),
                 f"Bij overlijden blijven nabestaanden achter met een hypotheek van {_money(mortgage)}; "
                 f"verzekerd is {_money(covered)}.",
                 f"On death, dependants are left with a mortgage of {_money(mortgage)}; {_money(covered)} is "
                 f"insured.")]


def pension_gap(data, today):
    income = sum(item.get("gross_yearly") or 0 for item in data.get("income", [])
                 if item.get("source") in {"employment", "self_employment"})
    expected = data["pension"].get("expected_yearly")
    if income <= 0 or expected is None:
        return []
    couple = any(person.get("role") == "partner" for person in data.get("household", []))
    state_pension = AOW_COUPLE_EACH if couple else AOW_SINGLE
    retirement_income = expected + state_pension + (data["pension"].get("annuities") or 0)
    target = PENSION_TARGET_SHARE * income
    if retirement_income >= target:
        return []
    gap = target - retirement_income
    return [Need("pension_gap", "pension", "need" if gap > 0.1 * income else "want", round(gap, 2),
                 f"Verwacht inkomen na de AOW-leeftijd ({_money(retirement_income)} per jaar, met AOW) is minder "
                 f"dan 70% van het huidige inkomen ({_money(target)}).",
                 f"Expected income after the state pension age ({_money(retirement_income)} a year, with AOW) is "
                 f"below 70% of current income ({_money(target)}).")]


def liability_and_home(data, today):
    needs = []
    if not _products(data, "liability"):
        needs.append(Need("liability_cover", "non_life", "need", None,
                          "Er is geen aansprakelijkheidsverzekering: schade aan anderen komt voor eigen rekening.",
                          "There is no liability insurance: damage to others is paid out of pocket."))
    if (data["assets"].get("home_value") or 0) > 0 and not _products(data, "home"):
        needs.append(Need("home_cover", "non_life", "need", data["assets"]["home_value"],
                          "De eigen woning is niet verzekerd (opstal/inboedel).",
                          "The own home is not insured (buildings/contents)."))
    return needs


def mortgage_rate_reset(data, today):
    horizon = today + datetime.timedelta(days=round(RATE_RESET_MONTHS * 30.44))
    needs = []
    for part in data.get("mortgage_parts", []):
        ends = part.get("fixed_until")
        if ends and today <= datetime.date.fromisoformat(ends) <= horizon:
            needs.append(Need("mortgage_rate_reset", "mortgage", "need", part.get("amount"),
                              f"De rentevaste periode van een leningdeel ({_money(part.get('amount') or 0)}) eindigt "
                              f"op {ends}.",
                              f"The fixed-rate period of a loan part ({_money(part.get('amount') or 0)}) ends on "
                              f"{ends}."))
    return needs


GOAL_NEEDS = {"buy_home": ("mortgage_financing", "mortgage")}


def unfunded_goals(data, today):
    needs = []
    for objective in data.get("objectives", []):
        if objective.get("funded"):
            continue
        need_type, domain = GOAL_NEEDS.get(objective.get("type"), ("goal_funding", "investment"))
        horizon = objective.get("horizon_years")
        needs.append(Need(need_type, domain, objective.get("priority") or "want", objective.get("target_amount"),
                          f"Het doel '{objective.get('type')}' over {horizon} jaar heeft nog geen financieringsplan.",
                          f"The goal '{objective.get('type')}' in {horizon} years has no funding plan yet."))
    return needs


RULES = (emergency_buffer, income_protection, death_cover, pension_gap, liability_and_home, mortgage_rate_reset,
         unfunded_goals)


def analyse(data: dict, today: datetime.date) -> list[dict]:
    """Every rule over the profile; the result is stored with the profile version."""
    return [asdict(need) for rule in RULES for need in rule(data, today)]


__all__ = ["RULES", "Need", "age_on", "analyse"]
