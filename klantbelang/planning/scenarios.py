"""Income per year in each scenario, from the reference year until the last adult turns 90.

A year's amount is pro rata by day: someone whose AOW date falls on 1 July has half a year of work
income and half a year of AOW in that year. Each row gives the gross income by source, an
approximate net income (box 1 with the general and labour credits), the housing cost and the
target the scenario is measured against:

- ``retirement``: everyone alive; target the pension target (70 % of today's gross household income).
Each scenario's event happens on the first day of the plan's first whole year (the reference year
when the reference date is 1 January, otherwise the next year):

- ``death_<id>``: that person dies; the survivor keeps their own income, gets
  the partner pension at once, the Anw while a child is under 18 (with its income test) and the
  single AOW from their own AOW date. Target: the household's yearly fixed costs, against net income.
- ``disability_<id>``: fully disabled until the AOW date. An employee gets
  the employer's sick pay for two years, then the WGA wage-related benefit and afterwards, unless the
  employer insured the WGA gap, the follow-on benefit on the minimum wage; the WIA excess when the
  employer insured it; and any private disability benefit. A self-employed person only the private
  benefit. Target: 70 % of that person's income, the others' income unchanged.
- ``unemployment_<id>``: unemployed: WW (75 % for two months, then 70 %
  of the capped wage) for the duration the work history gives, then nothing until the AOW date.
  Target: the household's yearly fixed costs, against net income.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .household import Household, Person
from .lending import annuity_payment
from .parameters import ParameterSet, add_months, load_parameters

SOURCES = ("work", "aow", "pension", "partner_pension", "anw", "sick_pay", "wia", "ww", "private_benefit")


@functools.lru_cache(maxsize=8192)
def share_from(start: datetime.date | None, year: int) -> float:
    """The part of ``year`` on or after ``start`` (1.0 when it started earlier, 0.0 when later)."""
    if start is None:
        return 0.0
    first, last = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    if start <= first:
        return 1.0
    if start >= last:
        return 0.0
    return (last - start).days / (last - first).days


@functools.lru_cache(maxsize=8192)
def share_between(start: datetime.date, end: datetime.date | None, year: int) -> float:
    """The part of ``year`` from ``start`` (inclusive) to ``end`` (exclusive; None: open)."""
    return max(0.0, share_from(start, year) - (share_from(end, year) if end is not None else 0.0))


@dataclass(frozen=True)
class Timeline:
    """The dates the scenarios turn on, computed once per household."""

    aow_dates: dict[str, datetime.date]
    pension_starts: dict[str, list[tuple[datetime.date, float]]]
    youngest_child_adult: datetime.date | None
    years: range
    aow_amounts: dict[tuple[str, bool], float]
    housing_costs: dict[int, float]
    # Per person and year (index: year − first year): the share of the year before the AOW date, the
    # share from it, the pensions paid, and whether the year counts as an AOW year for the tax.
    shares: dict[str, list[tuple[float, float, float, bool]]]

    @property
    def start(self) -> datetime.date:
        """When the scenario's event happens: the first day of the plan's first whole year."""
        return datetime.date(self.years.start, 1, 1)


def timeline(household: Household, parameters: ParameterSet, *, whole_years: int | None = None,
             housing: bool = True) -> Timeline:
    """The dates and per-year shares of one household; ``whole_years`` limits the rows (the batch only
    needs the first year of a scenario, its death shortfalls come from arrays)."""
    aow_dates = {person.id: parameters.aow_date(person.birth_date) for person in household.persons}
    pension_starts = {}
    for person in household.persons:
        starts = []
        for pension in person.pensions or ():
            if pension.start_age is None:
                start = aow_dates[person.id]
            else:
                start = add_months(person.birth_date, round(pension.start_age * 12))
            starts.append((start, pension.projected_year or 0.0))
        pension_starts[person.id] = starts
    children = household.children or ()
    youngest = max(children) if children else None
    adult = add_months(youngest, 12 * 18) if youngest else None
    last_year = max(person.birth_date.year for person in household.persons) + 90
    # The rows are whole calendar years: they start with the first year that lies wholly after the
    # reference date, so an event "from the reference date" is whole in every row.
    reference = household.reference_date
    first_year = reference.year if (reference.month, reference.day) == (1, 1) else reference.year + 1
    years = range(first_year, max(first_year, last_year) + 1)
    if whole_years is not None:
        years = range(first_year, first_year + whole_years)
    aow_amounts = {(person.id, with_partner): parameters.aow_gross_year(with_partner=with_partner,
                                                                        insured_years=person.aow_insured_years)
                   for person in household.persons for with_partner in (True, False)}
    shares = {}
    for person in household.persons:
        rows = []
        for year in years:
            after = share_from(aow_dates[person.id], year)
            paid = sum(amount * share_from(start, year) for start, amount in pension_starts[person.id])
            rows.append((1.0 - after, after, paid, after >= 0.5))
        shares[person.id] = rows
    housing_costs = {year: housing_cost_year(household, year) for year in years} if housing else {}
    return Timeline(aow_dates, pension_starts, adult, years, aow_amounts, housing_costs, shares)


def housing_cost_year(household: Household, year: int) -> float:
    """Gross interest and repayment of the current mortgage parts, each until its remaining term ends."""
    total = 0.0
    for part in household.mortgage:
        rate = part.rate_pct or 0.0
        years_left = part.years_left
        if years_left is not None and year >= household.reference_date.year + years_left:
            continue
        if part.repayment == "annuity" and years_left:
            total += 12 * annuity_payment(principal=part.amount, rate_pct=rate, years=years_left)
        elif part.repayment == "linear" and years_left:
            total += part.amount / years_left + part.amount * rate / 100
        else:
            total += part.amount * rate / 100
    return round(total, 2)


def box1_tax(*, gross: float, work_income: float, at_aow: bool, parameters: ParameterSet) -> float:
    """Income tax and national insurance in box 1, less the general and labour credits (never below 0)."""
    # Incomes repeat year after year in a scenario: the same three figures give the same tax.
    return _box1_tax(parameters.name, gross, work_income, at_aow)


@functools.lru_cache(maxsize=16384)
def _box1_tax(parameter_set: str, gross: float, work_income: float, at_aow: bool) -> float:
    box1 = load_parameters(parameter_set).data["box1"]
    brackets = box1["brackets_at_aow" if at_aow else "brackets_below_aow"]
    tax, lower = 0.0, 0.0
    for bracket in brackets:
        upper = bracket["up_to"]
        if upper is None or gross < upper:
            tax += (gross - lower) * bracket["pct"] / 100
            break
        tax += (upper - lower) * bracket["pct"] / 100
        lower = upper
    general = box1["general_credit"]
    maximum = general["max_at_aow"] if at_aow else general["max"]
    phase = general["phase_out_pct_at_aow"] if at_aow else general["phase_out_pct"]
    credit = max(0.0, maximum - max(0.0, gross - general["phase_out_from"]) * phase / 100)
    if work_income > 0:
        labour = box1["labour_credit"]
        maximum = labour["max_at_aow"] if at_aow else labour["max"]
        phase = labour["phase_out_pct_at_aow"] if at_aow else labour["phase_out_pct"]
        credit += max(0.0, maximum - max(0.0, work_income - labour["phase_out_from"]) * phase / 100)
    return max(0.0, tax - credit)


@dataclass
class PersonYear:
    sources: dict[str, float]

    @property
    def gross(self) -> float:
        return sum(self.sources.values())


def _base_year(person: Person, year: int, line: Timeline, parameters: ParameterSet, *, with_partner: bool,
               stops_working: datetime.date | None = None) -> PersonYear:
    """Work income until the AOW date (or until ``stops_working``), then AOW and pensions."""
    before_aow, after_aow, pension, _at_aow = line.shares[person.id][year - line.years.start]
    if stops_working is not None:
        before_aow = max(0.0, before_aow - share_from(stops_working, year))
    return PersonYear({"work": person.earned_income * before_aow,
                       "aow": line.aow_amounts[person.id, with_partner] * after_aow, "pension": pension})


def _net(person_year: PersonYear, person: Person, year: int, line: Timeline, parameters: ParameterSet) -> float:
    at_aow = line.shares[person.id][year - line.years.start][3]
    gross = person_year.gross
    return gross - box1_tax(gross=gross, work_income=person_year.sources["work"], at_aow=at_aow,
                            parameters=parameters)


Row = dict[str, Any]
TargetRule = Callable[[int], float | None]


def _row(year: int, people: list[tuple[Person, PersonYear]], target: float | None, *, compare_net: bool,
         household: Household, line: Timeline, parameters: ParameterSet) -> Row:
    sources = dict.fromkeys(SOURCES, 0.0)
    for _, person_year in people:
        for key, value in person_year.sources.items():
            if value:
                sources[key] += value
    gross = sum(sources.values())
    net = sum(_net(person_year, person, year, line, parameters) for person, person_year in people)
    measured = net if compare_net else gross
    return {"year": year, "gross_income": round(gross, 2), "net_income": round(net, 2),
            "target": None if target is None else round(target, 2),
            "shortfall": None if target is None else round(target - measured, 2) if target > measured else 0.0,
            "housing_cost": line.housing_costs[year],
            "sources": {key: round(value, 2) for key, value in sources.items() if value}}


def household_income(household: Household) -> float:
    return sum(person.earned_income for person in household.persons)


def retirement(household: Household, line: Timeline, parameters: ParameterSet) -> list[Row]:
    target = household.pension_target_pct / 100 * household_income(household)
    rows = []
    for year in line.years:
        people = [(person, _base_year(person, year, line, parameters, with_partner=household.has_partner))
                  for person in household.persons]
        rows.append(_row(year, people, target, compare_net=False, household=household, line=line,
                         parameters=parameters))
    return rows


def death(household: Household, deceased: Person, line: Timeline, parameters: ParameterSet) -> list[Row]:
    costs = household.fixed_costs_month * 12 if household.fixed_costs_month is not None else None
    survivors = [person for person in household.persons if person.id != deceased.id]
    partner_pension = sum(pension.partner_pension_year or 0 for pension in deceased.pensions or ())
    start = line.start
    rows = []
    for year in line.years:
        people = []
        for survivor in survivors:
            person_year = _base_year(survivor, year, line, parameters, with_partner=False)
            person_year.sources["partner_pension"] = partner_pension * share_from(start, year)
            # Anw: below the survivor's AOW date and while the youngest child is under 18.
            if line.youngest_child_adult is not None:
                end = min(line.youngest_child_adult, line.aow_dates[survivor.id])
                share = share_between(start, end, year)
                if share:
                    person_year.sources["anw"] = parameters.anw_year(
                        survivor_income_year=survivor.earned_income) * share
            people.append((survivor, person_year))
        rows.append(_row(year, people, costs, compare_net=True, household=household, line=line,
                         parameters=parameters))
    return rows


def disability(household: Household, disabled: Person, line: Timeline, parameters: ParameterSet) -> list[Row]:
    wia = parameters.wia
    start = line.start
    aow_date = line.aow_dates[disabled.id]
    capped = min(disabled.employment_income or 0, wia["max_premium_wage_year"])
    excess = max(0.0, (disabled.employment_income or 0) - wia["max_premium_wage_year"])
    waiting_end = add_months(start, 12 * wia["waiting_years"])
    related_end = add_months(waiting_end, ww_months(disabled, parameters))
    follow_on = wia["wga_follow_on_pct_of_minimum_wage"] / 100 * parameters.data["minimum_wage"]["reference_month"] * 12
    cover = disabled.cover
    benefit = cover.disability_benefit_year or 0 if cover is not None else 0
    benefit_end = (add_months(disabled.birth_date, 12 * cover.disability_end_age)
                   if cover is not None and cover.disability_end_age else aow_date)
    target_before = household_income(household) - 0.3 * disabled.earned_income
    target_after = household.pension_target_pct / 100 * household_income(household)
    rows = []
    for year in line.years:
        people = []
        for person in household.persons:
            person_year = _base_year(person, year, line, parameters, with_partner=household.has_partner,
                                     stops_working=start if person.id == disabled.id else None)
            if person.id == disabled.id and capped:
                pct = wia["benefit_pct"] / 100
                person_year.sources["sick_pay"] = wia["employer_sick_pay_pct"] / 100 * capped * share_between(
                    start, min(waiting_end, aow_date), year)
                wga_later = pct * capped if person.employer_covers_wga_gap else min(pct * capped, follow_on)
                person_year.sources["wia"] = (pct * capped * share_between(waiting_end, min(related_end, aow_date),
                                                                           year)
                                              + wga_later * share_between(min(related_end, aow_date), aow_date, year))
                if person.employer_covers_wia_excess:
                    person_year.sources["wia"] += pct * excess * share_between(waiting_end, aow_date, year)
            if person.id == disabled.id and benefit:
                person_year.sources["private_benefit"] = benefit * share_between(start, min(benefit_end, aow_date),
                                                                                 year)
            people.append((person, person_year))
        target = target_before if share_from(aow_date, year) < 0.5 else target_after
        rows.append(_row(year, people, target, compare_net=False, household=household, line=line,
                         parameters=parameters))
    return rows


def ww_months(person: Person, parameters: ParameterSet) -> int:
    """WW duration: a month per year worked for the first ten, half a month per later year; at least the
    minimum, at most the maximum. Without a work history, the minimum."""
    ww = parameters.ww
    if person.work_years is None:
        return ww["min_months"]
    years = person.work_years
    months = min(years, 10) * ww["months_per_work_year_first_10"] + max(0, years - 10) * ww[
        "months_per_work_year_after_10"]
    return int(min(ww["max_months"], max(ww["min_months"], months)))


def ww_benefit_months(person: Person, parameters: ParameterSet) -> list[float]:
    """The WW benefit month by month from the first day of unemployment."""
    return list(_ww_benefit_months(parameters.name, person.employment_income or 0, person.work_years))


@functools.lru_cache(maxsize=4096)
def _ww_benefit_months(parameter_set: str, wage: float, work_years: int | None) -> tuple[float, ...]:
    parameters = load_parameters(parameter_set)
    ww = parameters.ww
    monthly = min(wage, parameters.wia["max_premium_wage_year"]) / 12
    months = ww_months(Person(id="", birth_date=datetime.date(1900, 1, 1), work_years=work_years), parameters)
    return tuple(monthly * (ww["first_months_pct"] if month < ww["first_months"] else ww["after_pct"]) / 100
                 for month in range(months))


def unemployment(household: Household, unemployed: Person, line: Timeline, parameters: ParameterSet) -> list[Row]:
    costs = household.fixed_costs_month * 12 if household.fixed_costs_month is not None else None
    start = line.start
    aow_date = line.aow_dates[unemployed.id]
    benefits = ww_benefit_months(unemployed, parameters)
    # WW is paid by the month: a month counts in the year it begins in, before the AOW date.
    ww_by_year: dict[int, float] = {}
    for month, amount in enumerate(benefits):
        begins = datetime.date(start.year + month // 12, month % 12 + 1, 1)  # the start is a 1 January
        if begins < aow_date:
            ww_by_year[begins.year] = ww_by_year.get(begins.year, 0.0) + amount
    rows = []
    for year in line.years:
        people = []
        for person in household.persons:
            person_year = _base_year(person, year, line, parameters, with_partner=household.has_partner,
                                     stops_working=start if person.id == unemployed.id else None)
            if person.id == unemployed.id:
                person_year.sources["ww"] = ww_by_year.get(year, 0.0)
            people.append((person, person_year))
        rows.append(_row(year, people, costs, compare_net=True, household=household, line=line,
                         parameters=parameters))
    return rows


def all_scenarios(household: Household, line: Timeline, parameters: ParameterSet) -> dict[str, list[Row]]:
    scenarios = {"retirement": retirement(household, line, parameters)}
    for person in household.persons:
        scenarios[f"death_{person.id}"] = death(household, person, line, parameters)
    for person in household.persons:
        scenarios[f"disability_{person.id}"] = disability(household, person, line, parameters)
    for person in household.persons:
        scenarios[f"unemployment_{person.id}"] = unemployment(household, person, line, parameters)
    return scenarios
