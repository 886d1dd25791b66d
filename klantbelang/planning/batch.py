"""The needs of a whole book at once: the same rules as ``plan``, with the yearly arithmetic of the
death scenarios — the heaviest part of a plan — done in numpy arrays over every (household, insured
life) pair instead of year by year per household.

Everything that is one figure per household (AOW, the lending norms, the gaps) runs the very
functions ``plan`` runs; only the sum over years of the survivor's shortfall against the fixed costs
is vectorised, with the same operations in the same order, so the batch gives the per-household
reference's needs (checked with hypothesis in tests/test_batch.py). Used to re-plan a firm's book.
"""

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .household import Household, Person
from .lending import current_income, income_at_aow, max_mortgage, toetsrente
from .needs import Findings
from .parameters import ParameterSet, add_months
from .plan import findings
from .scenarios import Timeline, _base_year, _net, timeline, ww_benefit_months

_FIRST_YEAR, _LAST_YEAR = 1899, 2301
_JAN_FIRST = np.array([datetime.date(year, 1, 1).toordinal() for year in range(_FIRST_YEAR, _LAST_YEAR + 1)],
                      dtype=np.float64)


def _jan_first(years: np.ndarray) -> np.ndarray:
    return _JAN_FIRST[years - _FIRST_YEAR]


def _share_from(ordinal: np.ndarray, years: np.ndarray) -> np.ndarray:
    """scenarios.share_from over arrays: the part of each year on or after the date (ordinals)."""
    first, last = _jan_first(years), _jan_first(years + 1)
    return np.where(ordinal <= first, 1.0, np.where(ordinal >= last, 0.0, (last - ordinal) / (last - first)))


def _round_like_python(values: np.ndarray, digits: int) -> np.ndarray:
    """Python's round() (correctly rounded, half to even on the exact value) over an array; numpy's
    round scales first and can land a cent away, which a sum over forty years would show."""
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([round(value, digits) for value in unique.tolist()])[inverse].reshape(values.shape)


def _box1_tax(gross: np.ndarray, work: np.ndarray, at_aow: np.ndarray, parameters: ParameterSet) -> np.ndarray:
    """scenarios._box1_tax over arrays, bracket by bracket in the same order."""
    box1 = parameters.data["box1"]
    result = np.zeros_like(gross)
    for aow_years in (False, True):
        brackets = box1["brackets_at_aow" if aow_years else "brackets_below_aow"]
        tax = np.zeros_like(gross)
        lower = 0.0
        done = np.zeros(gross.shape, dtype=bool)
        for bracket in brackets:
            upper = bracket["up_to"]
            here = ~done if upper is None else ~done & (gross < upper)
            tax = np.where(here, tax + (gross - lower) * bracket["pct"] / 100, tax)
            done |= here
            if upper is not None:
                tax = np.where(~done, tax + (upper - lower) * bracket["pct"] / 100, tax)
                lower = upper
        general = box1["general_credit"]
        maximum = general["max_at_aow"] if aow_years else general["max"]
        phase = general["phase_out_pct_at_aow"] if aow_years else general["phase_out_pct"]
        credit = np.maximum(0.0, maximum - np.maximum(0.0, gross - general["phase_out_from"]) * phase / 100)
        labour = box1["labour_credit"]
        maximum = labour["max_at_aow"] if aow_years else labour["max"]
        phase = labour["phase_out_pct_at_aow"] if aow_years else labour["phase_out_pct"]
        credit = np.where(work > 0, credit + np.maximum(
            0.0, maximum - np.maximum(0.0, work - labour["phase_out_from"]) * phase / 100), credit)
        result = np.where(at_aow == aow_years, np.maximum(0.0, tax - credit), result)
    return result


@dataclass
class _Pair:
    household: int
    person: str
    survivor: Person | None
    first_year: int
    horizon: datetime.date


def _death_shortfalls(pairs: list[_Pair], households: Sequence[Household], lines: list[Timeline],
                      parameters: ParameterSet) -> dict[tuple[int, str], float]:
    """Σ over the years until the horizon of the survivor's rounded shortfall against the fixed
    costs, for every pair at once (what shortfall_from_rows sums from the death scenario's rows)."""
    if not pairs:
        return {}
    count = len(pairs)
    first = np.array([pair.first_year for pair in pairs])
    last = np.array([pair.horizon.year for pair in pairs])
    width = int(max(0, (last - first).max()) + 1)
    years = first[:, None] + np.arange(width)[None, :]
    valid = years <= last[:, None]
    years = np.minimum(years, _LAST_YEAR - 1)

    def column(values) -> np.ndarray:
        return np.array(values, dtype=np.float64)[:, None]

    survivors = [pair.survivor for pair in pairs]
    earned = column([survivor.earned_income if survivor else 0.0 for survivor in survivors])
    aow_single = column([parameters.aow_gross_year(with_partner=False, insured_years=survivor.aow_insured_years)
                         if survivor else 0.0 for survivor in survivors])
    aow_ordinal = column([lines[pair.household].aow_dates[pair.survivor.id].toordinal() if pair.survivor
                          else datetime.date(_LAST_YEAR, 1, 1).toordinal() for pair in pairs])
    after = _share_from(aow_ordinal, years)
    gross_work = earned * (1.0 - after)
    gross = gross_work + aow_single * after
    starts = [lines[pair.household].pension_starts[pair.survivor.id] if pair.survivor else [] for pair in pairs]
    for index in range(max((len(item) for item in starts), default=0)):
        ordinal = column([item[index][0].toordinal() if index < len(item) else datetime.date(_LAST_YEAR, 1, 1)
                          .toordinal() for item in starts])
        amount = column([item[index][1] if index < len(item) else 0.0 for item in starts])
        gross = gross + amount * _share_from(ordinal, years)
    deceased = [next(person for person in households[pair.household].persons if person.id == pair.person)
                for pair in pairs]
    gross = gross + column([sum(pension.partner_pension_year or 0 for pension in person.pensions or ())
                            for person in deceased])
    anw_end = []
    for pair in pairs:
        adult = lines[pair.household].youngest_child_adult
        if pair.survivor is None or adult is None:
            anw_end.append(None)
        else:
            anw_end.append(min(adult, lines[pair.household].aow_dates[pair.survivor.id]))
    anw_year = column([parameters.anw_year(survivor_income_year=survivor.earned_income) if survivor and end
                       else 0.0 for survivor, end in zip(survivors, anw_end, strict=True)])
    end_ordinal = column([end.toordinal() if end else 0 for end in anw_end])
    # share_between(start, end, year) with the start on 1 January of the first year: 1 − share_from(end).
    gross = gross + anw_year * np.maximum(0.0, 1.0 - _share_from(end_ordinal, years))
    has_survivor = column([survivor is not None for survivor in survivors]) > 0
    net = np.where(has_survivor, gross - _box1_tax(gross, gross_work, after >= 0.5, parameters), 0.0)
    costs = column([households[pair.household].fixed_costs_month * 12 for pair in pairs])
    shortfall = np.where(costs > net, _round_like_python(costs - net, 2), 0.0)
    horizon_share = column([(pair.horizon - datetime.date(pair.horizon.year, 1, 1)).days / 365.25 for pair in pairs])
    share = np.where(years < last[:, None], 1.0, horizon_share)
    weighted = np.where(valid, shortfall * share, 0.0)
    totals = np.zeros(count)
    for step in range(width):  # year by year, as the per-household sum adds them
        totals = totals + weighted[:, step]
    return {(pair.household, pair.person): float(total) for pair, total in zip(pairs, totals, strict=True)}


def _survivor_loans(pairs: list[tuple[int, Person]], households: Sequence[Household], lines: list[Timeline],
                    parameters: ParameterSet) -> dict[tuple[int, str], float]:
    """needs._survivor_max_loan for every (household, survivor) at once: the lending norms' income
    test on the survivor's own income (and on the income at AOW age within ten years), the value
    test, the lower; the table look-ups and annuities in arrays."""
    if not pairs:
        return {}
    single = parameters.lending["single_allowance"]
    years = parameters.lending["annuity_years"]
    tests: list[tuple[int, float, bool, float]] = []  # pair, toetsinkomen, at AOW age, rate
    for number, (index, survivor) in enumerate(pairs):
        household = households[index]
        today = household.reference_date
        alone = dataclasses.replace(household, situation="single", persons=(survivor,), mortgage_request=None)
        rate = toetsrente(alone, parameters)
        aow_date = lines[index].aow_dates[survivor.id]
        tests.append((number, current_income(survivor, alone, parameters, today), aow_date <= today, rate))
        if today < aow_date <= add_months(today, 120):
            tests.append((number, income_at_aow(survivor, alone, parameters), True, rate))
    owner = np.array([test[0] for test in tests])
    income = np.array([test[1] for test in tests], dtype=np.float64)
    at_aow = np.array([test[2] for test in tests], dtype=bool)
    rate = np.array([test[3] for test in tests], dtype=np.float64)
    percentage = np.empty(len(tests))
    for flag, table in ((False, parameters.financing_below_aow), (True, parameters.financing_at_aow)):
        rows = np.maximum(0, np.searchsorted(np.array(table.incomes), income, side="right") - 1)
        columns = np.searchsorted(np.array(table.rate_upper_bounds), _round_like_python(rate, 3), side="left")
        values = np.array(table.percentages)[rows, columns]
        percentage = np.where(at_aow == flag, values, percentage)
    monthly = income * percentage / 100 / 12
    households_of = [pairs[test[0]][0] for test in tests]
    obligations = np.array([(households[index].student_debt_monthly or 0) * parameters.student_debt_factor(test[3])
                            + (households[index].other_loans_monthly or 0)
                            for index, test in zip(households_of, tests, strict=True)])
    available = np.maximum(0.0, monthly - obligations)
    monthly_rate = rate / 100 / 12
    with np.errstate(divide="ignore", invalid="ignore"):
        loan = np.where(monthly_rate == 0, available * 12 * years,
                        available * (1 - (1 + monthly_rate) ** -(12 * years)) / monthly_rate)
    label = np.array([parameters.energy_label_amount(households[index].home.energy_label)
                      if households[index].home is not None else 0.0 for index in households_of])
    loan = loan + label
    threshold = np.where(at_aow, single["min_income_at_aow"], single["min_income_below_aow"])
    loan = np.where(income > threshold, loan + single["amount"], loan)
    lowest = np.full(len(pairs), np.inf)
    np.minimum.at(lowest, owner, loan)
    result = {}
    for number, (index, survivor) in enumerate(pairs):
        household = households[index]
        value = household.home.market_value if household.home is not None else None
        best = float(lowest[number])
        if value is not None:
            limit = value * parameters.lending["max_ltv_pct"] / 100
            measures = household.home.energy_saving_measures
            if measures:
                limit = min(value * parameters.lending["max_ltv_with_energy_saving_pct"] / 100, limit + measures)
            best = min(best, limit)
        result[index, survivor.id] = round(best, 2)
    return result


def _unemployment_first_year(household: Household, unemployed: Person, line: Timeline,
                             parameters: ParameterSet) -> dict[str, float]:
    """The gross and net income of the unemployment scenario's first year, as its first row has them."""
    year, start = line.years.start, line.start
    aow_date = line.aow_dates[unemployed.id]
    benefit = sum(amount for month, amount in enumerate(ww_benefit_months(unemployed, parameters))
                  if month < 12 and datetime.date(year, month + 1, 1) < aow_date)
    gross = net = 0.0
    for person in household.persons:
        person_year = _base_year(person, year, line, parameters, with_partner=household.has_partner,
                                 stops_working=start if person.id == unemployed.id else None)
        if person.id == unemployed.id:
            person_year.sources["ww"] = benefit
        gross += person_year.gross
        net += _net(person_year, person, year, line, parameters)
    return {"gross_income": round(gross, 2), "net_income": round(net, 2)}


def needs_batch(households: Sequence[Household], parameters: ParameterSet) -> list[Findings]:
    """The needs and questions of every household, as ``plan`` finds them."""
    lines = [timeline(household, parameters, whole_years=1) for household in households]
    pairs = []
    for index, (household, line) in enumerate(zip(households, lines, strict=True)):
        if household.fixed_costs_month is None:
            continue
        for person in household.persons:
            survivor = next((other for other in household.persons if other.id != person.id), None)
            horizon = line.aow_dates[survivor.id] if survivor is not None else line.youngest_child_adult
            if horizon is not None and horizon.year >= line.years.start:
                pairs.append(_Pair(index, person.id, survivor, line.years.start, horizon))
    shortfalls = _death_shortfalls(pairs, households, lines, parameters)
    survivors = [(index, survivor) for index, household in enumerate(households) if household.mortgage_total > 0
                 for survivor in household.persons if len(household.persons) == 2]
    loans = _survivor_loans(survivors, households, lines, parameters)
    results = []
    for index, (household, line) in enumerate(zip(households, lines, strict=True)):
        aow_years = {person.id: line.aow_amounts[person.id, household.has_partner] for person in household.persons}

        def shortfall(person, survivor, horizon, index=index):
            return shortfalls.get((index, person.id), 0.0)

        def first_row(person, household=household, line=line):
            return _unemployment_first_year(household, person, line, parameters)

        def survivor_loan(survivor, index=index):
            return loans[index, survivor.id]

        results.append(findings(household, parameters, line, aow_years, max_mortgage(household, parameters),
                                shortfall, first_row, survivor_loan))
    return results


__all__ = ["add_months", "needs_batch"]
