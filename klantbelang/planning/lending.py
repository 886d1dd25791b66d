"""The maximum mortgage under the lending norms (Tijdelijke regeling hypothecair krediet, Trhk).

Income test (art. 3): the percentage of Bijlage 1 that belongs to the joint toetsinkomen and the
toetsrente gives the yearly housing cost the household may carry; what student debt and other loans
cost is taken off; the rest is the monthly cost of a 30-year annuity at the toetsrente, and that
loan — plus the energy-label amount (art. 4 lid 3) and, for a single applicant, the single
allowance (art. 3 lid 8) — is ``max_loan_income``. Value test (art. 5): at most 100 % of the market
value, 106 % with energy-saving measures. An applicant within ten years of the AOW date is also
tested on the income at AOW age (art. 2 lid 4); the lower loan counts.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from .household import Household, Person
from .parameters import ParameterSet, add_months


def annuity_principal(*, monthly_payment: float, rate_pct: float, years: int) -> float:
    """The loan that a monthly payment of interest and repayment pays off in ``years``."""
    months = 12 * years
    rate = rate_pct / 100 / 12
    if rate == 0:
        return monthly_payment * months
    return monthly_payment * (1 - (1 + rate) ** -months) / rate


def annuity_payment(*, principal: float, rate_pct: float, years: float) -> float:
    months = max(1, round(12 * years))
    rate = rate_pct / 100 / 12
    if rate == 0:
        return principal / months
    return principal * rate / (1 - (1 + rate) ** -months)


@dataclass(frozen=True)
class IncomeTest:
    toetsinkomen: float
    at_aow: bool
    financieringslast_pct: float
    max_monthly_cost: float
    obligations_monthly: float
    max_loan_income: float


def offered_rate(household: Household, parameters: ParameterSet) -> tuple[float | None, float | None]:
    """The rate and fixed period to test: the request's; else the largest current part's; else none."""
    request = household.mortgage_request
    if request is not None and request.rate_pct is not None:
        return request.rate_pct, request.fixed_years
    parts = [part for part in household.mortgage if part.rate_pct is not None]
    if parts:
        largest = max(parts, key=lambda part: part.amount)
        return largest.rate_pct, largest.fixed_years_left
    return None, None


def toetsrente(household: Household, parameters: ParameterSet) -> float:
    """Art. 3 lid 9-10: the offered rate when it is fixed for ten years or more, otherwise the higher of
    that rate and the AFM toetsrente; without an offered rate, the AFM toetsrente."""
    rate, fixed_years = offered_rate(household, parameters)
    afm = parameters.lending["toetsrente_afm_pct"]
    if rate is None:
        return afm
    if fixed_years is not None and fixed_years >= parameters.lending["fixed_years_without_toetsrente"]:
        return rate
    return max(rate, afm)


def income_at_aow(person: Person, household: Household, parameters: ParameterSet) -> float:
    """A person's gross income from the AOW date: AOW (partner amount when living together) and pensions."""
    aow = parameters.aow_gross_year(with_partner=household.has_partner, insured_years=person.aow_insured_years)
    return aow + sum(pension.projected_year or 0 for pension in person.pensions or ())


def current_income(person: Person, household: Household, parameters: ParameterSet, today: datetime.date) -> float:
    if parameters.aow_date(person.birth_date) <= today:
        return income_at_aow(person, household, parameters) + person.earned_income
    return person.earned_income


def _income_test(incomes: list[tuple[float, bool]], household: Household, parameters: ParameterSet,
                 rate_pct: float) -> IncomeTest:
    toetsinkomen = sum(income for income, _ in incomes)
    # The table of the highest earner decides for a couple of whom one has reached the AOW age.
    at_aow = max(incomes, key=lambda item: item[0])[1] if incomes else False
    percentage = parameters.financing_percentage(income=toetsinkomen, rate_pct=rate_pct, at_aow=at_aow)
    max_monthly_cost = toetsinkomen * percentage / 100 / 12
    obligations = (household.student_debt_monthly or 0) * parameters.student_debt_factor(rate_pct) + (
        household.other_loans_monthly or 0)
    available = max(0.0, max_monthly_cost - obligations)
    loan = annuity_principal(monthly_payment=available, rate_pct=rate_pct, years=parameters.lending["annuity_years"])
    if household.home is not None:
        loan += parameters.energy_label_amount(household.home.energy_label)
    single = parameters.lending["single_allowance"]
    threshold = single["min_income_at_aow"] if at_aow else single["min_income_below_aow"]
    if not household.has_partner and toetsinkomen > threshold:
        loan += single["amount"]
    return IncomeTest(toetsinkomen=toetsinkomen, at_aow=at_aow, financieringslast_pct=percentage,
                      max_monthly_cost=max_monthly_cost, obligations_monthly=obligations, max_loan_income=loan)


def _tests(household: Household, parameters: ParameterSet) -> tuple[float, dict, dict[str, IncomeTest],
                                                                    IncomeTest, float | None, float]:
    today = household.reference_date
    rate = toetsrente(household, parameters)
    aow_dates = {person.id: parameters.aow_date(person.birth_date) for person in household.persons}
    now = _income_test([(current_income(person, household, parameters, today), aow_dates[person.id] <= today)
                        for person in household.persons], household, parameters, rate)
    tests = {"current": now}
    ten_years = add_months(today, 120)
    if any(today < aow_dates[person.id] <= ten_years for person in household.persons):
        # Each applicant who reaches the AOW date within ten years is tested on the income from that date.
        tests["at_aow"] = _income_test(
            [(income_at_aow(person, household, parameters), True) if aow_dates[person.id] <= ten_years
             else (person.earned_income, False) for person in household.persons], household, parameters, rate)
    deciding = min(tests.values(), key=lambda test: test.max_loan_income)
    value = household.home.market_value if household.home is not None else None
    max_loan_value = None
    if value is not None:
        max_loan_value = value * parameters.lending["max_ltv_pct"] / 100
        measures = household.home.energy_saving_measures if household.home is not None else None
        if measures:
            max_loan_value = min(value * parameters.lending["max_ltv_with_energy_saving_pct"] / 100,
                                 max_loan_value + measures)
    max_loan = deciding.max_loan_income if max_loan_value is None else min(deciding.max_loan_income, max_loan_value)
    return rate, aow_dates, tests, deciding, max_loan_value, max_loan


def max_loan(household: Household, parameters: ParameterSet) -> float:
    """Only the maximum loan (as ``max_mortgage`` rounds it), for the survivor's test on death."""
    return round(_tests(household, parameters)[5], 2)


def max_mortgage(household: Household, parameters: ParameterSet) -> dict:
    rate, _aow_dates, tests, deciding, max_loan_value, max_loan = _tests(household, parameters)
    now = tests["current"]
    value = household.home.market_value if household.home is not None else None
    current_total = household.mortgage_total
    result: dict[str, Any] = {
        "toetsinkomen": round(now.toetsinkomen, 2),
        "toetsrente_pct": round(rate, 3),
        "financieringslast_pct": now.financieringslast_pct,
        "max_monthly_cost": round(now.max_monthly_cost, 2),
        "max_loan_income": round(deciding.max_loan_income, 2),
        "max_loan_value": round(max_loan_value, 2) if max_loan_value is not None else None,
        "max_loan": round(max_loan, 2),
        "table": "at_aow" if now.at_aow else "below_aow",
        "obligations_monthly": round(now.obligations_monthly, 2),
        "decided_by": "income_at_aow" if deciding is not now else "current_income",
        "current_mortgage": round(current_total, 2),
        "loan_to_value_pct": round(100 * current_total / value, 1) if value else None,
        "tested_amount": round(household.mortgage_request.amount if household.mortgage_request else current_total,
                               2),
    }
    if "at_aow" in tests:
        at_aow = tests["at_aow"]
        result["at_aow"] = {"toetsinkomen": round(at_aow.toetsinkomen, 2),
                            "financieringslast_pct": at_aow.financieringslast_pct,
                            "max_loan_income": round(at_aow.max_loan_income, 2)}
    return result
