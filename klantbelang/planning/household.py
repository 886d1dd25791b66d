"""The household as the planning core reads it: plain data, checked field by field.

An absent optional field means "not answered" and stays ``None`` (the plan turns it into a question);
a value that cannot be true — a birth date in the future, a negative amount, a mortgage without a
home, a child older than a parent — is refused with the field's path, so nothing is planned on it.
"""

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

SITUATIONS = ("single", "married", "cohabiting")
REPAYMENTS = ("annuity", "linear", "interest_only", "savings", "investment")
PRIORITIES = ("need", "want", "wish")
COVER_TYPES = ("home", "contents", "liability")
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
REFERENCE_RANGE = (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message_en: str
    message_nl: str


class HouseholdInvalid(ValueError):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{error.field}: {error.message_en}" for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class Pension:
    projected_year: float | None
    partner_pension_year: float | None = None
    start_age: float | None = None
    accrued_year: float | None = None
    provider: str = ""


@dataclass(frozen=True)
class Cover:
    term_life: float | None = None
    disability_benefit_year: float | None = None
    disability_end_age: int | None = None


@dataclass(frozen=True)
class Person:
    id: str
    birth_date: datetime.date
    name: str = ""
    employment_income: float | None = None
    self_employed_profit: float | None = None
    employer_covers_wia_excess: bool | None = None
    employer_covers_wga_gap: bool | None = None
    pensions: tuple[Pension, ...] | None = None
    cover: Cover | None = None
    aow_insured_years: int | None = None
    work_years: int | None = None
    stated_aow_date: datetime.date | None = None

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def earned_income(self) -> float:
        return (self.employment_income or 0.0) + (self.self_employed_profit or 0.0)

    @property
    def is_self_employed(self) -> bool:
        return (self.self_employed_profit or 0) > 0

    @property
    def is_employee(self) -> bool:
        return (self.employment_income or 0) > 0


@dataclass(frozen=True)
class MortgagePart:
    amount: float
    rate_pct: float | None = None
    fixed_years_left: float | None = None
    repayment: str | None = None
    years_left: float | None = None
    nhg: bool | None = None


@dataclass(frozen=True)
class MortgageRequest:
    amount: float
    rate_pct: float | None = None
    fixed_years: float | None = None


@dataclass(frozen=True)
class Home:
    market_value: float | None
    energy_label: str | None = None
    rebuild_value: float | None = None
    energy_saving_measures: float | None = None


@dataclass(frozen=True)
class Goal:
    type: str
    amount: float | None
    horizon_years: float | None
    priority: str = "want"


@dataclass(frozen=True)
class Household:
    reference_date: datetime.date
    situation: str
    persons: tuple[Person, ...]
    children: tuple[datetime.date, ...] | None = None
    home_answered: bool = False
    home: Home | None = None
    mortgage: tuple[MortgagePart, ...] = ()
    mortgage_request: MortgageRequest | None = None
    student_debt_monthly: float | None = None
    other_loans_monthly: float | None = None
    savings: float | None = None
    fixed_costs_month: float | None = None
    pension_target_pct: float = 70.0
    contents_value: float | None = None
    covers: dict[str, bool | None] = field(default_factory=dict)
    goals: tuple[Goal, ...] = ()

    @property
    def has_partner(self) -> bool:
        return self.situation in {"married", "cohabiting"}

    @property
    def mortgage_total(self) -> float:
        return sum(part.amount for part in self.mortgage)


class _Reader:
    """Collects every field error of one input instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, code: str, en: str, nl: str) -> None:
        self.errors.append(FieldError(path, code, en, nl))

    def amount(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> float | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, "required", "This amount is required.", "Dit bedrag is verplicht.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "not_a_number", "Give a number.", "Vul een getal in.")
            return None
        if not math.isfinite(value):
            self.fail(path, "not_a_number", "Give a number.", "Vul een getal in.")
            return None
        if value < 0:
            self.fail(path, "negative", "An amount cannot be negative.", "Een bedrag kan niet negatief zijn.")
            return None
        if value > 1e10:
            self.fail(path, "too_large", "This amount is too large.", "Dit bedrag is te groot.")
            return None
        return float(value)

    def flag(self, data: dict[str, Any], key: str, path: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(path, "not_a_boolean", "Answer yes or no.", "Antwoord met ja of nee.")
        return None

    def date(self, value: Any, path: str) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except (TypeError, ValueError):
            self.fail(path, "invalid_date", "Give a date as YYYY-MM-DD.", "Vul een datum in als JJJJ-MM-DD.")
            return None

    def birth_date(self, value: Any, path: str, reference: datetime.date | None) -> datetime.date | None:
        if value is None:
            self.fail(path, "required", "The date of birth is required.", "De geboortedatum is verplicht.")
            return None
        born = self.date(value, path)
        if born is None:
            return None
        if born < EARLIEST_BIRTH_DATE:
            self.fail(path, "before_1900", "A date of birth before 1900 cannot be right.",
                      "Een geboortedatum vóór 1900 kan niet kloppen.")
            return None
        if reference is not None and born > reference:
            self.fail(path, "in_the_future", "A date of birth cannot lie after the reference date.",
                      "Een geboortedatum kan niet na de peildatum liggen.")
            return None
        return born

    def mapping(self, value: Any, path: str) -> dict[str, Any] | None:
        if value is None or isinstance(value, dict):
            return value
        self.fail(path, "not_an_object", "Expected an object.", "Hier hoort een object.")
        return None

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.fail(path, "not_a_list", "Expected a list.", "Hier hoort een lijst.")
        return []


def _person(reader: _Reader, data: dict[str, Any], index: int, reference: datetime.date | None) -> Person | None:
    path = f"persons.{data.get('id') or index}"
    born = reader.birth_date(data.get("birth_date"), f"{path}.birth_date", reference)
    pensions = None
    if "pensions" in data and data["pensions"] is not None:
        pensions = []
        for number, item in enumerate(reader.items(data["pensions"], f"{path}.pensions")):
            item_path = f"{path}.pensions.{number}"
            item = reader.mapping(item, item_path) or {}
            start_age = reader.amount(item, "start_age", f"{item_path}.start_age")
            if start_age is not None and not 50 <= start_age <= 75:
                reader.fail(f"{item_path}.start_age", "out_of_range", "A pension starts between 50 and 75.",
                            "Een pensioen gaat in tussen 50 en 75 jaar.")
            pensions.append(Pension(projected_year=reader.amount(item, "projected_year", f"{item_path}.projected_year"),
                                    partner_pension_year=reader.amount(item, "partner_pension_year",
                                                                       f"{item_path}.partner_pension_year"),
                                    start_age=start_age,
                                    accrued_year=reader.amount(item, "accrued_year", f"{item_path}.accrued_year"),
                                    provider=str(item.get("provider") or "")[:200]))
    cover = None
    cover_data = reader.mapping(data.get("cover"), f"{path}.cover")
    if cover_data is not None:
        end_age = reader.amount(cover_data, "disability_end_age", f"{path}.cover.disability_end_age")
        if end_age is not None and not 18 <= end_age <= 100:
            reader.fail(f"{path}.cover.disability_end_age", "out_of_range", "A cover ends between 18 and 100.",
                        "Een dekking eindigt tussen 18 en 100 jaar.")
            end_age = None
        cover = Cover(term_life=reader.amount(cover_data, "term_life", f"{path}.cover.term_life"),
                      disability_benefit_year=reader.amount(cover_data, "disability_benefit_year",
                                                            f"{path}.cover.disability_benefit_year"),
                      disability_end_age=int(end_age) if end_age is not None else None)
    insured = reader.amount(data, "aow_insured_years", f"{path}.aow_insured_years")
    if insured is not None and insured > 50:
        reader.fail(f"{path}.aow_insured_years", "out_of_range", "At most 50 years count for the AOW.",
                    "Voor de AOW tellen ten hoogste 50 jaren.")
    work_years = reader.amount(data, "work_years", f"{path}.work_years")
    if work_years is not None and work_years > 80:
        reader.fail(f"{path}.work_years", "out_of_range", "At most 80 years of work.", "Ten hoogste 80 jaar werk.")
        work_years = None
    stated_aow_date = reader.date(data["aow_date"], f"{path}.aow_date") if data.get("aow_date") else None
    person = Person(
        id=str(data.get("id") or f"p{index + 1}")[:40], birth_date=born or EARLIEST_BIRTH_DATE,
        name=str(data.get("name") or "")[:200],
        employment_income=reader.amount(data, "employment_income", f"{path}.employment_income"),
        self_employed_profit=reader.amount(data, "self_employed_profit", f"{path}.self_employed_profit"),
        employer_covers_wia_excess=reader.flag(data, "employer_covers_wia_excess",
                                               f"{path}.employer_covers_wia_excess"),
        employer_covers_wga_gap=reader.flag(data, "employer_covers_wga_gap", f"{path}.employer_covers_wga_gap"),
        pensions=tuple(pensions) if pensions is not None else None, cover=cover,
        aow_insured_years=int(insured) if insured is not None else None,
        work_years=int(work_years) if work_years is not None else None, stated_aow_date=stated_aow_date)
    return person if born is not None else None


def parse_household(data: Any) -> Household:
    """The household of a plan input (the JSON of DESIGN.md), or HouseholdInvalid naming every bad field."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise HouseholdInvalid([FieldError("", "not_an_object", "Expected a household object.",
                                           "Hier hoort een huishouden.")])
    reference = None
    if data.get("reference_date") is None:
        reader.fail("reference_date", "required", "The reference date is required.", "De peildatum is verplicht.")
    else:
        reference = reader.date(data["reference_date"], "reference_date")
        if reference is not None and not REFERENCE_RANGE[0] <= reference <= REFERENCE_RANGE[1]:
            reader.fail("reference_date", "out_of_range", "Plan from a reference date between 2000 and 2100.",
                        "Kies een peildatum tussen 2000 en 2100.")
            reference = None
    situation = data.get("situation")
    if not isinstance(situation, str) or situation not in SITUATIONS:
        situation = None
        reader.fail("situation", "invalid_choice", "Choose single, married or cohabiting.",
                    "Kies alleenstaand, gehuwd of samenwonend.")
    raw_persons = reader.items(data.get("persons"), "persons")
    if not 1 <= len(raw_persons) <= 2:
        reader.fail("persons", "count", "A household has one or two adults.", "Een huishouden heeft één of twee "
                    "volwassenen.")
    persons = []
    for index, raw in enumerate(raw_persons):
        mapped = reader.mapping(raw, f"persons.{index}")
        if mapped is not None:
            person = _person(reader, mapped, index, reference)
            if person is not None:
                persons.append(person)
    if len({person.id for person in persons}) != len(persons):
        reader.fail("persons", "duplicate_id", "Every person needs an id of their own.",
                    "Elke persoon heeft een eigen id nodig.")
    if situation in {"married", "cohabiting"} and len(raw_persons) == 1:
        reader.fail("persons", "partner_missing", "A married or cohabiting household has two adults.",
                    "Een gehuwd of samenwonend huishouden heeft twee volwassenen.")
    if situation == "single" and len(raw_persons) == 2:
        reader.fail("situation", "partner_present", "Two adults: choose married or cohabiting.",
                    "Twee volwassenen: kies gehuwd of samenwonend.")

    children = None
    if "children" in data and data["children"] is not None:
        children = []
        for index, raw in enumerate(reader.items(data["children"], "children")):
            mapped = reader.mapping(raw, f"children.{index}") or {}
            born = reader.birth_date(mapped.get("birth_date"), f"children.{index}.birth_date", reference)
            if born is None:
                continue
            if any(born <= person.birth_date for person in persons):
                reader.fail(f"children.{index}.birth_date", "older_than_parent",
                            "A child cannot be older than a parent.", "Een kind kan niet ouder zijn dan een ouder.")
                continue
            children.append(born)

    home = None
    home_data = reader.mapping(data.get("home"), "home")
    if home_data is not None:
        label = home_data.get("energy_label")
        home = Home(market_value=reader.amount(home_data, "market_value", "home.market_value"),
                    energy_label=str(label)[:12] if label else None,
                    rebuild_value=reader.amount(home_data, "rebuild_value", "home.rebuild_value"),
                    energy_saving_measures=reader.amount(home_data, "energy_saving_measures",
                                                         "home.energy_saving_measures"))

    mortgage = []
    for index, raw in enumerate(reader.items(data.get("mortgage"), "mortgage")):
        part = reader.mapping(raw, f"mortgage.{index}") or {}
        amount = reader.amount(part, "amount", f"mortgage.{index}.amount", required=True)
        repayment = part.get("repayment")
        if repayment is not None and repayment not in REPAYMENTS:
            reader.fail(f"mortgage.{index}.repayment", "invalid_choice", "Unknown repayment type.",
                        "Onbekende aflosvorm.")
        rate = reader.amount(part, "rate_pct", f"mortgage.{index}.rate_pct")
        if rate is not None and rate > 20:
            reader.fail(f"mortgage.{index}.rate_pct", "out_of_range", "A rate above 20 % cannot be right.",
                        "Een rente boven 20 % kan niet kloppen.")
        if amount is not None:
            mortgage.append(MortgagePart(amount=amount, rate_pct=rate,
                                         fixed_years_left=reader.amount(part, "fixed_years_left",
                                                                        f"mortgage.{index}.fixed_years_left"),
                                         repayment=repayment,
                                         years_left=reader.amount(part, "years_left", f"mortgage.{index}.years_left"),
                                         nhg=reader.flag(part, "nhg", f"mortgage.{index}.nhg")))
    if mortgage and home is None:
        reader.fail("mortgage", "without_home", "A mortgage needs a home: fill in the home or remove the mortgage.",
                    "Een hypotheek hoort bij een woning: vul de woning in of verwijder de hypotheek.")

    request = None
    request_data = reader.mapping(data.get("mortgage_request"), "mortgage_request")
    if request_data is not None:
        amount = reader.amount(request_data, "amount", "mortgage_request.amount", required=True)
        if amount is not None:
            request = MortgageRequest(amount=amount,
                                      rate_pct=reader.amount(request_data, "rate_pct", "mortgage_request.rate_pct"),
                                      fixed_years=reader.amount(request_data, "fixed_years",
                                                                "mortgage_request.fixed_years"))

    target = reader.amount(data, "pension_target_pct", "pension_target_pct")
    if target is not None and not 0 < target <= 100:
        reader.fail("pension_target_pct", "out_of_range", "The target lies between 1 and 100 %.",
                    "Het doel ligt tussen 1 en 100 %.")
    covers_data = reader.mapping(data.get("covers"), "covers") or {}
    covers = {kind: reader.flag(covers_data, kind, f"covers.{kind}") for kind in COVER_TYPES}

    goals = []
    for index, raw in enumerate(reader.items(data.get("goals"), "goals")):
        goal = reader.mapping(raw, f"goals.{index}") or {}
        priority = goal.get("priority") or "want"
        if priority not in PRIORITIES:
            reader.fail(f"goals.{index}.priority", "invalid_choice", "Choose need, want or wish.",
                        "Kies noodzaak, wens of droom.")
        goals.append(Goal(type=str(goal.get("type") or "other")[:40],
                          amount=reader.amount(goal, "amount", f"goals.{index}.amount"),
                          horizon_years=reader.amount(goal, "horizon_years", f"goals.{index}.horizon_years"),
                          priority=priority if priority in PRIORITIES else "want"))

    household = Household(
        reference_date=reference or datetime.date(1900, 1, 1), situation=situation or "single",
        persons=tuple(persons), children=tuple(children) if children is not None else None,
        home_answered="home" in data, home=home, mortgage=tuple(mortgage), mortgage_request=request,
        student_debt_monthly=reader.amount(data, "student_debt_monthly", "student_debt_monthly"),
        other_loans_monthly=reader.amount(data, "other_loans_monthly", "other_loans_monthly"),
        savings=reader.amount(data, "savings", "savings"),
        fixed_costs_month=reader.amount(data, "fixed_costs_month", "fixed_costs_month"),
        pension_target_pct=target if target is not None and 0 < target <= 100 else 70.0,
        contents_value=reader.amount(data, "contents_value", "contents_value"), covers=covers, goals=tuple(goals))
    if reader.errors:
        raise HouseholdInvalid(reader.errors)
    return household
