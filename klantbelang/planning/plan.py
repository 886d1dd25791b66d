"""One household in, its plan out: the AOW per person, the maximum mortgage, the income per year in
every scenario, the needs with their amounts and what is still to ask (DESIGN.md, "Financial
planning"). Plain data in and out; the same function serves the command, the API and the pages.
"""

from typing import Any

from .household import FieldError, Household, HouseholdInvalid, Person, parse_household
from .lending import max_mortgage
from .needs import (
    Findings,
    FirstRow,
    Shortfall,
    SurvivorLoan,
    date_nl,
    death_cover,
    disability_gaps,
    emergency_buffer,
    goals,
    income_questions,
    mortgage_affordability,
    pension_gap,
    property_covers,
    shortfall_from_rows,
    unemployment_gaps,
)
from .parameters import ParameterSet, load_parameters
from .scenarios import Timeline, all_scenarios, timeline


def check_stated_aow_dates(household: Household, parameters: ParameterSet) -> None:
    errors = []
    for person in household.persons:
        expected = parameters.aow_date(person.birth_date)
        if person.stated_aow_date is not None and person.stated_aow_date != expected:
            errors.append(FieldError(
                f"persons.{person.id}.aow_date", "contradicts_birth_date",
                f"For this date of birth the AOW date is {expected.isoformat()}.",
                f"Bij deze geboortedatum is de AOW-datum {date_nl(expected)}."))
    if errors:
        raise HouseholdInvalid(errors)


def findings(household: Household, parameters: ParameterSet, line: Timeline, aow_years: dict[str, float],
             lending: dict, shortfall: Shortfall, first_row: FirstRow,
             survivor_loan: SurvivorLoan | None = None) -> Findings:
    """The needs and the questions, in the order the page shows them; the scenario figures they need
    come in through ``shortfall`` and ``first_row`` (from the rows here, from arrays in the batch)."""
    found = Findings()
    income_questions(household, found)
    pension_gap(household, line, parameters, aow_years, found)
    disability_gaps(household, line, parameters, found)
    death_cover(household, line, parameters, shortfall, found, survivor_loan)
    mortgage_affordability(household, lending, found)
    emergency_buffer(household, found)
    unemployment_gaps(household, line, parameters, first_row, found)
    property_covers(household, found)
    goals(household, found)
    return found


def plan(data: dict[str, Any] | Household, *, parameters: ParameterSet | None = None) -> dict[str, Any]:
    """The plan of one household. Raises HouseholdInvalid (every bad field named) on impossible input."""
    household = data if isinstance(data, Household) else parse_household(data)
    parameters = parameters or load_parameters()
    check_stated_aow_dates(household, parameters)
    line = timeline(household, parameters)
    aow_years = {person.id: parameters.aow_gross_year(with_partner=household.has_partner,
                                                      insured_years=person.aow_insured_years)
                 for person in household.persons}
    lending = max_mortgage(household, parameters)
    scenarios = all_scenarios(household, line, parameters)
    def first_row(person: Person) -> dict | None:
        rows = scenarios[f"unemployment_{person.id}"]
        return rows[0] if rows else None

    found = findings(household, parameters, line, aow_years, lending, shortfall_from_rows(scenarios), first_row)
    persons = []
    for person in household.persons:
        years, months = parameters.aow_age(person.birth_date)
        persons.append({"id": person.id, "name": person.name, "birth_date": person.birth_date.isoformat(),
                        "aow_date": line.aow_dates[person.id].isoformat(), "aow_age_years": years,
                        "aow_age_months": months, "aow_gross_year": aow_years[person.id]})
    return {"parameters": parameters.name, "reference_date": household.reference_date.isoformat(),
            "persons": persons, "max_mortgage": lending, "needs": found.needs, "to_ask": found.to_ask,
            "scenarios": scenarios}
