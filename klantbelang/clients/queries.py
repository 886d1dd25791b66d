"""Reads of a household that are not querysets: the planning core's input built from the stored
profile, and the plan of a household as the pages and the API show it."""

import datetime
from dataclasses import dataclass
from typing import Any

from klantbelang.core.needs import NEED_DOMAINS, NeedType
from klantbelang.planning import DEFAULT_PARAMETER_SET, HouseholdInvalid, load_parameters, parse_household, plan
from klantbelang.planning.batch import needs_batch
from klantbelang.planning.needs import money_en, money_nl
from klantbelang.planning.plan import check_stated_aow_dates

from .models import Client, NeedsProfile, Person

# The profile's per-person sections (income, pensions, policies) name a person by role.
PLAN_PERSON_ROLES = (Person.Role.CLIENT, Person.Role.PARTNER)
SITUATIONS = {Person.RelationshipStatus.MARRIED: "married", Person.RelationshipStatus.COHABITING: "cohabiting"}


def _answered(data: dict[str, Any], section: str) -> bool:
    return section in (data.get("answered_sections") or [])


def plan_input(*, client: Client, profile: NeedsProfile, persons: list[Person], today: datetime.date) -> dict:
    """The household JSON of DESIGN.md from one profile version and the household's persons.

    What the profile never recorded stays out, so the plan asks for it instead of assuming it.
    Pensions, policies and covers recorded for the whole household before the inventory held them
    per person are read as the client's own (the main earner's in the old inventory)."""
    data = profile.data
    adults = [person for person in persons if person.role in PLAN_PERSON_ROLES and person.date_of_birth]
    adults.sort(key=lambda person: PLAN_PERSON_ROLES.index(person.role))
    children = [person for person in persons if person.role == Person.Role.DEPENDANT and person.date_of_birth]
    partner = next((person for person in adults if person.role == Person.Role.PARTNER), None)
    status = partner.relationship_status if partner else adults[0].relationship_status if adults else ""
    situation = SITUATIONS.get(status, "cohabiting") if partner else "single"
    income = data.get("income") or []
    products = data.get("existing_products") or []
    products_answered = _answered(data, "existing_products") or bool(products)
    pension = data.get("pension") or {}
    people = []
    for person in adults:
        role = person.role
        own = [item for item in income if item.get("person", "client") == role]
        entry: dict[str, Any] = {"id": role, "name": f"{person.first_name} {person.last_name}".strip(),
                                 "birth_date": person.date_of_birth.isoformat()}
        if own or income:
            entry["employment_income"] = sum(item.get("gross_yearly") or 0 for item in own
                                             if item.get("source") == "employment")
            entry["self_employed_profit"] = sum(item.get("gross_yearly") or 0 for item in own
                                                if item.get("source") == "self_employment")
        pensions = [item for item in data.get("pensions") or [] if item.get("person", "client") == role]
        if pensions:
            entry["pensions"] = [{key: item.get(key) for key in ("projected_year", "partner_pension_year",
                                                                 "start_age", "accrued_year", "provider")
                                  if item.get(key) is not None} for item in pensions]
        elif role == Person.Role.CLIENT and pension.get("expected_yearly") is not None:
            entry["pensions"] = [{"projected_year": pension["expected_yearly"] + (pension.get("annuities") or 0)}]
        elif role in (data.get("pensions_answered") or []) or _answered(data, "pensions"):
            entry["pensions"] = []  # asked, and there is none
        for key in ("employer_covers_wia_excess", "employer_covers_wga_gap", "work_years", "aow_insured_years"):
            value = (data.get("person_details") or {}).get(role, {}).get(key)
            if value is not None:
                entry[key] = value
        if products_answered:
            mine = [item for item in products if item.get("insured", "client") == role]
            entry["cover"] = {
                "term_life": sum(item.get("cover") or 0 for item in mine if item.get("category") == "term_life"),
                "disability_benefit_year": sum(item.get("benefit_year") or 0 for item in mine
                                               if item.get("category") == "income_protection"),
            }
            if any(item.get("category") == "income_protection" and not item.get("benefit_year") for item in mine):
                entry["cover"]["disability_benefit_year"] = None  # a policy whose benefit was never recorded
        people.append(entry)
    assets = data.get("assets") or {}
    household: dict[str, Any] = {"reference_date": today.isoformat(), "situation": situation, "persons": people,
                                 "children": [{"birth_date": child.date_of_birth.isoformat()} for child in children]}
    home_value = assets.get("home_value")
    if home_value is not None:
        household["home"] = None if not home_value else {
            "market_value": home_value, "energy_label": (data.get("home") or {}).get("energy_label"),
            "rebuild_value": (data.get("home") or {}).get("rebuild_value")}
    parts = []
    for part in data.get("mortgage_parts") or []:
        fixed_until = part.get("fixed_until")
        fixed_years = None
        if fixed_until:
            fixed_years = max(0.0, (datetime.date.fromisoformat(fixed_until) - today).days / 365.25)
        parts.append({key: value for key, value in {
            "amount": part.get("amount") or 0, "rate_pct": part.get("rate_pct"), "fixed_years_left": fixed_years,
            "repayment": part.get("repayment"), "years_left": part.get("years_left")}.items() if value is not None})
    if parts and household.get("home") is None:
        household["home"] = {"market_value": None}
    household["mortgage"] = parts
    for key, value in (("savings", assets.get("savings")), ("fixed_costs_month", data.get("monthly_commitments")),
                       ("student_debt_monthly", data.get("student_debt_monthly"))):
        if value is not None:
            household[key] = value
    if products_answered:
        categories = {item.get("category") for item in products}
        household["covers"] = {"home": "home" in categories, "contents": bool({"home", "contents"} & categories),
                               "liability": "liability" in categories}
    household["goals"] = [{"type": objective.get("type") or "other", "amount": objective.get("target_amount"),
                           "horizon_years": objective.get("horizon_years"),
                           "priority": objective.get("priority") or "want"}
                          for objective in data.get("objectives") or [] if not objective.get("funded")]
    return household


@dataclass(frozen=True)
class HouseholdPlan:
    client: Client
    profile: NeedsProfile
    input: dict
    result: dict


def household_plan(*, client: Client, today: datetime.date, parameter_set: str = DEFAULT_PARAMETER_SET
                   ) -> HouseholdPlan | None:
    """The plan of the household's current profile; None while it has no profile or no adult with a
    date of birth (the page then says what to fill in)."""
    profile = client.current_profile
    persons = list(client.persons.all())
    if profile is None or not any(person.role in PLAN_PERSON_ROLES and person.date_of_birth for person in persons):
        return None
    data = plan_input(client=client, profile=profile, persons=persons, today=today)
    return HouseholdPlan(client=client, profile=profile, input=data,
                         result=plan(data, parameters=load_parameters(parameter_set)))


def planned_needs(*, client: Client, data: dict, persons: list[Person], today: datetime.date,
                  parameter_set: str = DEFAULT_PARAMETER_SET) -> tuple[list[dict], dict]:
    """The needs of a profile version as the planning core derives them, each with its advice domain,
    and what goes with them into the version's ``derived``: the parameter set used and the questions.
    A household without an adult's date of birth, or whose profile cannot be right, has no needs yet."""
    return planned_needs_of_book([(client, data, persons)], today=today, parameter_set=parameter_set)[0]


def planned_needs_of_book(items: list[tuple[Client, dict, list[Person]]], *, today: datetime.date,
                          parameter_set: str = DEFAULT_PARAMETER_SET) -> list[tuple[list[dict], dict]]:
    """``planned_needs`` for many households at once, through the planning core's batch."""
    parameters = load_parameters(parameter_set)
    results: list[tuple[list[dict], dict] | None] = []
    households, places = [], []
    for client, data, persons in items:
        summary: dict = {"parameters": parameter_set, "to_ask": [], "errors": []}
        if not any(person.role in PLAN_PERSON_ROLES and person.date_of_birth for person in persons):
            results.append(([], summary))
            continue
        try:
            household = parse_household(plan_input(client=client, profile=NeedsProfile(data=data), persons=persons,
                                                    today=today))
            check_stated_aow_dates(household, parameters)
        except HouseholdInvalid as invalid:
            summary["errors"] = [{"field": error.field, "message_nl": error.message_nl,
                                  "message_en": error.message_en} for error in invalid.errors]
            results.append(([], summary))
            continue
        households.append(household)
        places.append((len(results), data, summary))
        results.append(None)
    for found, (place, data, summary) in zip(needs_batch(households, parameters), places, strict=True):
        summary["to_ask"] = found.to_ask
        results[place] = (_stored(found.needs, data, today=today), summary)
    return results  # type: ignore[return-value]


def _stored(plan_needs: list[dict], data: dict, *, today: datetime.date) -> list[dict]:
    needs = []
    for need in plan_needs:
        if need["type"] == NeedType.GOAL_FUNDING and need["params"].get("goal") == "buy_home":
            # Buying a home is financed with a mortgage: the shelf's mortgages serve it, not funds.
            need = {**need, "type": NeedType.MORTGAGE_FINANCING.value, "code": NeedType.MORTGAGE_FINANCING.value}
        needs.append({**need, "domain": NEED_DOMAINS[need["type"]].value})
    return needs + rate_resets(data, today=today)


def rate_resets(data: dict, *, today: datetime.date) -> list[dict]:
    """A mortgage part whose fixed-rate period ends within twelve months is a need of its own: the
    new rate is chosen then (renteherziening), and it is the moment to test the mortgage again."""
    horizon = today + datetime.timedelta(days=365)
    needs = []
    for part in data.get("mortgage_parts") or []:
        ends = part.get("fixed_until")
        if not ends or not today <= datetime.date.fromisoformat(ends) <= horizon:
            continue
        amount = part.get("amount") or 0
        day = datetime.date.fromisoformat(ends)
        needs.append({
            "type": NeedType.MORTGAGE_RATE_RESET.value, "person": None, "amount": amount, "unit": "capital",
            "priority": "need", "domain": NEED_DOMAINS[NeedType.MORTGAGE_RATE_RESET].value,
            "code": NeedType.MORTGAGE_RATE_RESET.value, "params": {"fixed_until": ends},
            "reason_nl": f"De rentevaste periode van een leningdeel van {money_nl(amount)} eindigt op "
                         f"{day.strftime('%d-%m-%Y')}.",
            "reason_en": f"The fixed-rate period of a loan part of {money_en(amount)} ends on "
                         f"{day.strftime('%d-%m-%Y')}."})
    return needs
