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
from .lending import current_income, income_at_aow, toetsrente
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
    result = np.round(values, digits)
    # The two differ only next to a half: those few are rounded by Python itself.
    scaled = values * 10 ** digits
    near = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 1e-6
    if near.any():
        result[near] = [round(value, digits) for value in values[near].tolist()]
    return result


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

    def column(values: list) -> np.ndarray:
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
    anw_end: list[datetime.date | None] = []
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
    costs = column([(households[pair.household].fixed_costs_month or 0.0) * 12 for pair in pairs])
    shortfall = np.where(costs > net, _round_like_python(costs - net, 2), 0.0)
    horizon_share = column([(pair.horizon - datetime.date(pair.horizon.year, 1, 1)).days / 365.25 for pair in pairs])
    share = np.where(years < last[:, None], 1.0, horizon_share)
    weighted = np.where(valid, shortfall * share, 0.0)
    totals = np.zeros(count)
    for step in range(width):  # year by year, as the per-household sum adds them
        totals = totals + weighted[:, step]
    return {(pair.household, pair.person): float(total) for pair, total in zip(pairs, totals, strict=True)}


@dataclass
class _Applicants:
    """Who applies for a loan in one test: a household, or a survivor alone."""

    index: int  # the household
    tested: Household  # the household as the test sees it: whole, or the survivor alone
    rate: float

    @property
    def persons(self) -> tuple[Person, ...]:
        return self.tested.persons


def _max_loans(sets: list[_Applicants], households: Sequence[Household], lines: list[Timeline],
               parameters: ParameterSet) -> list[float]:
    """lending.max_loan for many applicant sets at once: the income test now (and on the income at
    AOW age within ten years), the lower, then the value test; rounded as max_mortgage rounds. The
    table look-ups and the annuities run in arrays."""
    if not sets:
        return []
    single = parameters.lending["single_allowance"]
    years = parameters.lending["annuity_years"]
    owners, incomes, flags, rates, obligations, labels, singles = [], [], [], [], [], [], []
    for number, applicants in enumerate(sets):
        household = households[applicants.index]
        today = household.reference_date
        alone = applicants.tested
        aow = {person.id: lines[applicants.index].aow_dates[person.id] for person in applicants.persons}
        tests = [[(current_income(person, alone, parameters, today), aow[person.id] <= today)
                  for person in applicants.persons]]
        ten_years = add_months(today, 120)
        if any(today < aow[person.id] <= ten_years for person in applicants.persons):
            tests.append([(income_at_aow(person, alone, parameters), True) if aow[person.id] <= ten_years
                          else (person.earned_income, False) for person in applicants.persons])
        debt = (household.student_debt_monthly or 0) * parameters.student_debt_factor(applicants.rate) + (
            household.other_loans_monthly or 0)
        label = parameters.energy_label_amount(household.home.energy_label) if household.home is not None else 0.0
        for test in tests:
            owners.append(number)
            incomes.append(sum(income for income, _ in test))
            flags.append(max(test, key=lambda item: item[0])[1] if test else False)
            rates.append(applicants.rate)
            obligations.append(debt)
            labels.append(label)
            singles.append(not applicants.tested.has_partner)
    income = np.array(incomes, dtype=np.float64)
    at_aow = np.array(flags, dtype=bool)
    rate = np.array(rates, dtype=np.float64)
    percentage = np.empty(len(incomes))
    for flag, table in ((False, parameters.financing_below_aow), (True, parameters.financing_at_aow)):
        rows = np.maximum(0, np.searchsorted(np.array(table.incomes), income, side="right") - 1)
        columns = np.searchsorted(np.array(table.rate_upper_bounds), _round_like_python(rate, 3), side="left")
        percentage = np.where(at_aow == flag, np.array(table.percentages)[rows, columns], percentage)
    available = np.maximum(0.0, income * percentage / 100 / 12 - np.array(obligations))
    monthly_rate = rate / 100 / 12
    with np.errstate(divide="ignore", invalid="ignore"):
        loan = np.where(monthly_rate == 0, available * 12 * years,
                        available * (1 - (1 + monthly_rate) ** -(12 * years)) / monthly_rate)
    loan = loan + np.array(labels)
    threshold = np.where(at_aow, single["min_income_at_aow"], single["min_income_below_aow"])
    loan = np.where(np.array(singles) & (income > threshold), loan + single["amount"], loan)
    lowest = np.full(len(sets), np.inf)
    np.minimum.at(lowest, np.array(owners), loan)
    result = []
    for number, applicants in enumerate(sets):
        household = households[applicants.index]
        best = float(lowest[number])
        home = household.home
        value = home.market_value if home is not None else None
        if home is not None and value is not None:
            limit = value * parameters.lending["max_ltv_pct"] / 100
            measures = home.energy_saving_measures
            if measures:
                limit = min(value * parameters.lending["max_ltv_with_energy_saving_pct"] / 100, limit + measures)
            best = min(best, limit)
        result.append(round(best, 2))
    return result


def _unemployment_first_year(household: Household, unemployed: Person, line: Timeline,
                             parameters: ParameterSet) -> dict[str, float]:
    """The gross and net income of the unemployment scenario's first year, as its first row has them."""
    year, start = line.years.start, line.start
    aow_date = line.aow_dates[unemployed.id]
    # The months of the first year that begin before the AOW date (a month counts in the year it
    # begins in): all twelve, none, or those before the AOW month (and that month when the AOW
    # date is after its first day). Summed in month order, as the scenario's rows add them.
    if aow_date.year > year:
        months = 12
    elif aow_date.year < year:
        months = 0
    else:
        months = aow_date.month - 1 + (aow_date.day > 1)
    benefit = sum(ww_benefit_months(unemployed, parameters)[:months])
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
    lines = [timeline(household, parameters, whole_years=1, housing=False) for household in households]
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
    sets = [_Applicants(index, household, toetsrente(household, parameters))
            for index, household in enumerate(households)]
    for index, household in enumerate(households):
        if household.mortgage_total > 0 and len(household.persons) == 2:
            for survivor in household.persons:
                alone = dataclasses.replace(household, situation="single", persons=(survivor,), mortgage_request=None)
                sets.append(_Applicants(index, alone, toetsrente(alone, parameters)))
    maxima = _max_loans(sets, households, lines, parameters)
    loans = {(item.index, item.persons[0].id): loan for item, loan in zip(sets[len(households):],
                                                                       maxima[len(households):], strict=True)}
    results = []
    for index, (household, line) in enumerate(zip(households, lines, strict=True)):
        aow_years = {person.id: line.aow_amounts[person.id, household.has_partner] for person in household.persons}

        def shortfall(person: Person, survivor: Person | None, horizon: datetime.date | None,
                      index: int = index) -> float:
            return shortfalls.get((index, person.id), 0.0)

        def first_row(person: Person, household: Household = household, line: Timeline = line) -> dict:
            return _unemployment_first_year(household, person, line, parameters)

        def survivor_loan(survivor: Person, index: int = index) -> float:
            return loans[index, survivor.id]

        tested = household.mortgage_request.amount if household.mortgage_request else household.mortgage_total
        lending = {"tested_amount": round(tested, 2), "max_loan": maxima[index]}
        results.append(findings(household, parameters, line, aow_years, lending, shortfall, first_row,
                                survivor_loan))
    return results


__all__ = ["add_months", "needs_batch"]
