"""Needs derived from the scenarios, per insured life where that is what is insured.

Every need has an amount, a unit (``per_year``, ``capital`` or ``once``), a priority and a reason in
Dutch and English naming the person and the figures; its ``code`` and ``params`` let a reader's
screen render it again. A question the household never answered becomes a ``to_ask`` item instead:
no need is asserted from a missing answer (the reason says what the figure would be without it).
"""

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from .household import Household, Person
from .lending import current_income, max_loan
from .parameters import ParameterSet, add_months
from .scenarios import Row, Timeline, household_income, ww_benefit_months

NEED_TYPES = ("pension_gap", "disability_gap", "wga_gap", "death_cover", "mortgage_affordability",
              "emergency_buffer", "home_cover", "contents_cover", "liability_cover", "unemployment_gap",
              "goal_funding")
GOAL_LABELS = {
    "buy_home": ("een huis kopen", "buying a home"), "retire_early": ("eerder stoppen met werken", "retiring early"),
    "children_study": ("de studie van de kinderen", "the children's studies"),
    "protect_income": ("het inkomen beschermen", "protecting the income"),
    "build_wealth": ("vermogen opbouwen", "building wealth"), "leave_legacy": ("iets nalaten", "leaving a legacy"),
    "pay_off_mortgage": ("de hypotheek aflossen", "paying off the mortgage"),
}
BUFFER_MONTHS_EMPLOYED = 3
BUFFER_MONTHS_SELF_EMPLOYED = 6


def money_nl(amount: float) -> str:
    return "€ " + f"{round(amount):,}".replace(",", ".")


def money_en(amount: float) -> str:
    return f"€{round(amount):,}"


def date_nl(day: datetime.date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass
class Findings:
    needs: list[dict] = field(default_factory=list)
    to_ask: list[dict] = field(default_factory=list)

    def need(self, kind: str, *, person: Person | None, amount: float | None, unit: str, priority: str,
             nl: str, en: str, **params: object) -> None:
        self.needs.append({"type": kind, "person": person.id if person else None,
                           "amount": round(amount, 2) if amount is not None else None, "unit": unit,
                           "priority": priority, "reason_nl": nl, "reason_en": en, "code": kind,
                           "params": params})

    def ask(self, path: str, code: str, *, nl: str, en: str) -> None:
        if not any(item["field"] == path for item in self.to_ask):
            self.to_ask.append({"field": path, "code": code, "reason_nl": nl, "reason_en": en})


def _aow_reached(person: Person, line: Timeline, day: datetime.date) -> bool:
    return line.aow_dates[person.id] <= day


def pension_gap(household: Household, line: Timeline, parameters: ParameterSet, aow_years: dict[str, float],
                found: Findings) -> None:
    """DESIGN convention: target − (Σ AOW + Σ projected pensions), in the first year everyone has AOW."""
    today = household.reference_date
    if all(_aow_reached(person, line, today) for person in household.persons):
        return
    unanswered = [person for person in household.persons if person.pensions is None]
    income = household_income(household)
    target = household.pension_target_pct / 100 * income
    retirement = sum(aow_years.values()) + sum(pension.projected_year or 0 for person in household.persons
                                               for pension in person.pensions or ())
    gap = target - retirement
    for person in unanswered:
        found.ask(f"persons.{person.id}.pensions", "pension_unknown",
                  nl=f"Welk pensioen bouwt {person.label} op (werkgever, lijfrente)? Zonder pensioen zou het "
                     f"tekort {money_nl(max(gap, 0))} per jaar zijn.",
                  en=f"Which pension does {person.label} build up (employer, annuity)? Without one the gap would "
                     f"be {money_en(max(gap, 0))} a year.")
    if unanswered or gap <= 0:
        return
    year = max(line.aow_dates.values()).year
    found.need("pension_gap", person=None, amount=gap, unit="per_year",
               priority="want" if gap <= 0.1 * target else "need",
               nl=f"Vanaf {year} (iedereen AOW) is het inkomen {money_nl(retirement)} per jaar (AOW en pensioen); "
                  f"het doel van {household.pension_target_pct:g}% van het huidige inkomen is {money_nl(target)}: "
                  f"een tekort van {money_nl(gap)} per jaar.",
               en=f"From {year} (everyone on AOW) income is {money_en(retirement)} a year (AOW and pensions); the "
                  f"target of {household.pension_target_pct:g}% of today's income is {money_en(target)}: a gap of "
                  f"{money_en(gap)} a year.",
               target=round(target, 2), retirement_income=round(retirement, 2), year=year)


def disability_gaps(household: Household, line: Timeline, parameters: ParameterSet, found: Findings) -> None:
    today = household.reference_date
    maximum = parameters.wia["max_premium_wage_year"]
    follow_on = parameters.wia["wga_follow_on_pct_of_minimum_wage"] / 100 * parameters.data["minimum_wage"][
        "reference_month"] * 12
    for person in household.persons:
        if _aow_reached(person, line, today):
            continue
        cover = person.cover
        benefit = cover.disability_benefit_year if cover is not None else None
        gross_gap, parts_nl, parts_en = 0.0, [], []
        employment = person.employment_income or 0
        if employment > maximum:
            if person.employer_covers_wia_excess is None:
                found.ask(f"persons.{person.id}.employer_covers_wia_excess", "wia_excess_unknown",
                          nl=f"Heeft de werkgever van {person.label} een WIA-excedentverzekering? Het loon boven "
                             f"{money_nl(maximum)} is anders niet verzekerd.",
                          en=f"Does {person.label}'s employer insure the WIA excess? Otherwise the wage above "
                             f"{money_en(maximum)} is not insured.")
            elif not person.employer_covers_wia_excess:
                part = 0.7 * (employment - maximum)
                gross_gap += part
                parts_nl.append(f"70% van het loon boven het maximumpremieloon ({money_nl(employment)} − "
                                f"{money_nl(maximum)}) = {money_nl(part)}")
                parts_en.append(f"70% of the wage above the maximum premium wage ({money_en(employment)} − "
                                f"{money_en(maximum)}) = {money_en(part)}")
        profit = person.self_employed_profit or 0
        if profit > 0 and line.aow_dates[person.id] >= add_months(today, 24):
            part = 0.7 * profit
            gross_gap += part
            parts_nl.append(f"70% van de winst als zelfstandige ({money_nl(profit)}) = {money_nl(part)}")
            parts_en.append(f"70% of the self-employed profit ({money_en(profit)}) = {money_en(part)}")
        if gross_gap > 0:
            if benefit is None:
                found.ask(f"persons.{person.id}.cover.disability_benefit_year", "disability_cover_unknown",
                          nl=f"Welke arbeidsongeschiktheidsuitkering heeft {person.label} verzekerd (AOV, "
                             f"WIA-excedent)? Zonder zou het tekort {money_nl(gross_gap)} per jaar zijn.",
                          en=f"Which disability benefit has {person.label} insured (income protection, WIA "
                             f"excess)? Without one the gap would be {money_en(gross_gap)} a year.")
            elif gross_gap - benefit > 0:
                gap = gross_gap - benefit
                found.need("disability_gap", person=person, amount=gap, unit="per_year", priority="need",
                           nl=f"Bij arbeidsongeschiktheid van {person.label}: " + "; ".join(parts_nl)
                              + f", min de verzekerde uitkering van {money_nl(benefit)}: een tekort van "
                                f"{money_nl(gap)} per jaar.",
                           en=f"If {person.label} becomes disabled: " + "; ".join(parts_en)
                              + f", less the insured benefit of {money_en(benefit)}: a gap of {money_en(gap)} a year.",
                           insured_benefit=benefit)
        if employment > 0:
            if person.employer_covers_wga_gap is None:
                found.ask(f"persons.{person.id}.employer_covers_wga_gap", "wga_gap_unknown",
                          nl=f"Heeft de werkgever van {person.label} het WGA-hiaat verzekerd?",
                          en=f"Has {person.label}'s employer insured the WGA gap?")
            elif not person.employer_covers_wga_gap:
                wage_related = 0.7 * min(employment, maximum)
                gap = wage_related - min(wage_related, follow_on)
                if gap > 0:
                    found.need("wga_gap", person=person, amount=gap, unit="per_year", priority="need",
                               nl=f"Na de loongerelateerde WGA-uitkering ({money_nl(wage_related)} per jaar) valt "
                                  f"{person.label} terug op de vervolguitkering van {money_nl(follow_on)} per jaar: "
                                  f"het WGA-hiaat is {money_nl(gap)} per jaar.",
                               en=f"After the wage-related WGA benefit ({money_en(wage_related)} a year) "
                                  f"{person.label} falls back to the follow-on benefit of {money_en(follow_on)} a "
                                  f"year: the WGA gap is {money_en(gap)} a year.",
                               wage_related=round(wage_related, 2), follow_on=round(follow_on, 2))


def _survivor_max_loan(household: Household, survivor: Person | None, parameters: ParameterSet) -> float:
    if survivor is None:
        return 0.0
    alone = dataclasses.replace(household, situation="single", persons=(survivor,), mortgage_request=None)
    return float(max_loan(alone, parameters))


Shortfall = Callable[[Person, "Person | None", "datetime.date | None"], float]
FirstRow = Callable[[Person], "Row | None"]


def shortfall_from_rows(scenarios: dict[str, list[Row]]) -> Shortfall:
    """The survivor's shortfall against the fixed costs, summed over the death scenario's years until
    the horizon (the horizon's own year pro rata)."""

    def shortfall(person: Person, survivor: Person | None, horizon: datetime.date | None) -> float:
        total = 0.0
        for row in scenarios[f"death_{person.id}"]:
            if horizon is not None and row["year"] <= horizon.year:
                share = 1.0 if row["year"] < horizon.year else (horizon - datetime.date(horizon.year, 1, 1)
                                                               ).days / 365.25
                total += float(row["shortfall"] or 0) * share
        return total

    return shortfall


SurvivorLoan = Callable[[Person], float]


def death_cover(household: Household, line: Timeline, parameters: ParameterSet, shortfall: Shortfall,
                found: Findings, survivor_loan: SurvivorLoan | None = None) -> None:
    today = household.reference_date
    children = household.children or ()
    young = [born for born in children if add_months(born, 12 * 18) > today]
    mortgage = household.mortgage_total
    for person in household.persons:
        survivors = [other for other in household.persons if other.id != person.id]
        survivor = survivors[0] if survivors else None
        if survivor is None and not young:
            continue  # no dependants: nobody is left with a shortfall
        if survivor is not None and not young and mortgage <= 0 and household.fixed_costs_month is None:
            continue
        horizon = line.aow_dates[survivor.id] if survivor is not None else line.youngest_child_adult
        income_shortfall = 0.0
        if household.fixed_costs_month is None:
            found.ask("fixed_costs_month", "costs_unknown",
                      nl="Wat zijn de vaste lasten per maand? Zonder kan het tekort bij overlijden niet worden "
                         "berekend.",
                      en="What are the fixed costs a month? Without them the shortfall on death cannot be computed.")
        else:
            income_shortfall = shortfall(person, survivor, horizon)
        if mortgage <= 0 or survivor is None:
            carried = 0.0
        elif survivor_loan is not None:
            carried = survivor_loan(survivor)
        else:
            carried = _survivor_max_loan(household, survivor, parameters)
        mortgage_excess = max(0.0, mortgage - carried)
        gross = income_shortfall + mortgage_excess
        if gross <= 0:
            continue
        cover = person.cover.term_life if person.cover is not None else None
        if cover is None:
            found.ask(f"persons.{person.id}.cover.term_life", "term_life_unknown",
                      nl=f"Is er een overlijdensrisicoverzekering op het leven van {person.label}, en voor welk "
                         f"bedrag? Zonder zou het tekort {money_nl(gross)} zijn.",
                      en=f"Is there term life cover on {person.label}'s life, and for how much? Without it the "
                         f"shortfall would be {money_en(gross)}.")
            continue
        capital = gross - cover
        if capital <= 0:
            continue
        who_nl = survivor.label if survivor is not None else "de kinderen"
        who_en = survivor.label if survivor is not None else "the children"
        found.need("death_cover", person=person, amount=capital, unit="capital", priority="need",
                   nl=f"Bij overlijden van {person.label} komt {who_nl} tot {horizon.year if horizon else '-'} "
                      f"{money_nl(income_shortfall)} tekort op de vaste lasten en kan "
                      f"{money_nl(mortgage_excess)} van de hypotheek niet dragen (maximaal {money_nl(carried)} op "
                      f"eigen inkomen); verzekerd is {money_nl(cover)}: nodig is {money_nl(capital)}.",
                   en=f"If {person.label} dies, {who_en} is {money_en(income_shortfall)} short on fixed costs until "
                      f"{horizon.year if horizon else '-'} and cannot carry {money_en(mortgage_excess)} of the "
                      f"mortgage (at most {money_en(carried)} on own income); {money_en(cover)} is insured: "
                      f"{money_en(capital)} is needed.",
                   income_shortfall=round(income_shortfall, 2), mortgage_excess=round(mortgage_excess, 2),
                   survivor_max_loan=round(carried, 2), insured=cover)


def mortgage_affordability(household: Household, lending: dict, found: Findings) -> None:
    tested = lending["tested_amount"]
    if tested <= 0 or tested <= lending["max_loan"]:
        return
    if any(person.employment_income is None and person.self_employed_profit is None
           for person in household.persons):
        return  # the income was never given: the norms cannot be applied (asked under income_questions)
    excess = tested - lending["max_loan"]
    what_nl = "De gevraagde hypotheek" if household.mortgage_request else "De huidige hypotheek"
    what_en = "The requested mortgage" if household.mortgage_request else "The current mortgage"
    found.need("mortgage_affordability", person=None, amount=excess, unit="capital", priority="need",
               nl=f"{what_nl} ({money_nl(tested)}) is hoger dan het maximum volgens de leennormen "
                  f"({money_nl(lending['max_loan'])}): {money_nl(excess)} te veel.",
               en=f"{what_en} ({money_en(tested)}) is above the maximum under the lending norms "
                  f"({money_en(lending['max_loan'])}): {money_en(excess)} too much.",
               max_loan=lending["max_loan"], tested=tested)


def emergency_buffer(household: Household, found: Findings) -> None:
    if household.fixed_costs_month is None:
        found.ask("fixed_costs_month", "costs_unknown",
                  nl="Wat zijn de vaste lasten per maand? Daaruit volgt de buffer.",
                  en="What are the fixed costs a month? The buffer follows from them.")
        return
    if household.savings is None:
        found.ask("savings", "savings_unknown", nl="Hoeveel spaargeld is er direct beschikbaar?",
                  en="How much savings are available at once?")
        return
    self_employed = any(person.is_self_employed for person in household.persons)
    months = BUFFER_MONTHS_SELF_EMPLOYED if self_employed else BUFFER_MONTHS_EMPLOYED
    buffer = months * household.fixed_costs_month
    if household.savings >= buffer:
        return
    gap = buffer - household.savings
    found.need("emergency_buffer", person=None, amount=gap, unit="once", priority="need",
               nl=f"Het spaargeld ({money_nl(household.savings)}) is minder dan {months} maanden vaste lasten "
                  f"({money_nl(buffer)}){' — meer voor een zelfstandige' if self_employed else ''}.",
               en=f"Savings ({money_en(household.savings)}) are less than {months} months of fixed costs "
                  f"({money_en(buffer)}){' — more for the self-employed' if self_employed else ''}.",
               months=months, buffer=round(buffer, 2))


def property_covers(household: Household, found: Findings) -> None:
    if not household.home_answered:
        found.ask("home", "home_unknown", nl="Is er een eigen woning, en wat is die waard?",
                  en="Is there an own home, and what is it worth?")
    covers = household.covers
    owner = household.home is not None
    if owner:
        if covers.get("home") is None:
            found.ask("covers.home", "home_cover_unknown", nl="Is de woning verzekerd (opstal)?",
                      en="Is the home insured (buildings)?")
        elif not covers["home"]:
            rebuild = household.home.rebuild_value if household.home else None
            if rebuild is None:
                found.ask("home.rebuild_value", "rebuild_value_unknown", nl="Wat is de herbouwwaarde van de woning?",
                          en="What is the rebuild value of the home?")
            found.need("home_cover", person=None, amount=rebuild, unit="capital", priority="need",
                       nl="De eigen woning is niet verzekerd tegen brand en storm (opstal)"
                          + (f"; de herbouwwaarde is {money_nl(rebuild)}." if rebuild else "."),
                       en="The own home is not insured against fire and storm (buildings)"
                          + (f"; its rebuild value is {money_en(rebuild)}." if rebuild else "."))
    if covers.get("contents") is None:
        found.ask("covers.contents", "contents_cover_unknown", nl="Is de inboedel verzekerd?",
                  en="Are the contents insured?")
    elif not covers["contents"]:
        value = household.contents_value
        if value is None:
            found.ask("contents_value", "contents_value_unknown", nl="Wat is de waarde van de inboedel?",
                      en="What are the contents worth?")
        found.need("contents_cover", person=None, amount=value, unit="capital", priority="need",
                   nl="De inboedel is niet verzekerd" + (f" (waarde {money_nl(value)})." if value else "."),
                   en="The contents are not insured" + (f" (worth {money_en(value)})." if value else "."))
    if covers.get("liability") is None:
        found.ask("covers.liability", "liability_cover_unknown", nl="Is er een aansprakelijkheidsverzekering?",
                  en="Is there liability insurance?")
    elif not covers["liability"]:
        found.need("liability_cover", person=None, amount=None, unit="once", priority="need",
                   nl="Er is geen aansprakelijkheidsverzekering: schade aan anderen komt voor eigen rekening.",
                   en="There is no liability insurance: damage to others is paid out of pocket.")


def unemployment_gaps(household: Household, line: Timeline, parameters: ParameterSet, first_row: FirstRow,
                      found: Findings) -> None:
    """The net shortfall against the fixed costs in the first twelve months of unemployment, beyond what
    the savings buffer already holds."""
    if household.fixed_costs_month is None:
        return
    today = household.reference_date
    for person in household.persons:
        if not person.employment_income or line.aow_dates[person.id] <= add_months(today, 12):
            continue
        if person.work_years is None:
            found.ask(f"persons.{person.id}.work_years", "work_years_unknown",
                      nl=f"Hoeveel jaar heeft {person.label} gewerkt? Daaruit volgt hoe lang de WW duurt.",
                      en=f"How many years has {person.label} worked? The WW duration follows from it.")
        costs = household.fixed_costs_month * 12
        others = sum(current_income(other, household, parameters, today) for other in household.persons
                     if other.id != person.id)
        benefit = sum(ww_benefit_months(person, parameters)[:12])
        row = first_row(person)
        net_share = (row["net_income"] / row["gross_income"]) if row and row["gross_income"] else 1.0
        first_year_net = (others + benefit) * float(net_share)
        shortfall = costs - first_year_net - max(0.0, household.savings or 0)
        if shortfall > 0:
            found.need("unemployment_gap", person=person, amount=shortfall, unit="once", priority="want",
                       nl=f"Bij werkloosheid van {person.label} is het netto inkomen in het eerste jaar ongeveer "
                          f"{money_nl(first_year_net)} (met WW {money_nl(benefit)}) tegen {money_nl(costs)} vaste "
                          f"lasten; na het spaargeld blijft {money_nl(shortfall)} tekort.",
                       en=f"If {person.label} becomes unemployed, net income in the first year is about "
                          f"{money_en(first_year_net)} (WW {money_en(benefit)}) against {money_en(costs)} of fixed "
                          f"costs; after savings {money_en(shortfall)} is short.",
                       ww_first_year=round(benefit, 2))


def goals(household: Household, found: Findings) -> None:
    for goal in household.goals:
        if goal.amount is None:
            continue
        horizon = f"{goal.horizon_years:g}" if goal.horizon_years is not None else "?"
        label_nl, label_en = GOAL_LABELS.get(goal.type, ("een eigen doel", "a goal of their own"))
        found.need("goal_funding", person=None, amount=goal.amount, unit="capital", priority=goal.priority,
                   nl=f"Het doel {label_nl} ({money_nl(goal.amount)} over {horizon} jaar) heeft nog geen "
                      f"financieringsplan.",
                   en=f"The goal of {label_en} ({money_en(goal.amount)} in {horizon} years) has no funding plan yet.",
                   goal=goal.type, horizon_years=goal.horizon_years)


def income_questions(household: Household, found: Findings) -> None:
    for person in household.persons:
        if person.employment_income is None and person.self_employed_profit is None:
            found.ask(f"persons.{person.id}.employment_income", "income_unknown",
                      nl=f"Wat is het bruto jaarinkomen van {person.label} (loon of winst)?",
                      en=f"What is {person.label}'s gross yearly income (wage or profit)?")
        if person.cover is None:
            found.ask(f"persons.{person.id}.cover", "cover_unknown",
                      nl=f"Welke verzekeringen lopen er op {person.label} (overlijden, arbeidsongeschiktheid)?",
                      en=f"Which policies insure {person.label} (death, disability)?")
    if household.children is None:
        found.ask("children", "children_unknown", nl="Zijn er kinderen, en wanneer zijn ze geboren?",
                  en="Are there children, and when were they born?")
