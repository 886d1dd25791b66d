"""The typed shape of a needs profile document (``profile_data.empty_profile`` and what the inventory
forms, the portal, the API and imports write into it).

Every version is checked against it before it is stored, so a change set such as
``{"knowledge": 5}`` is a field error (422 in the API) instead of a document that makes the
profile, the match and the plan fail later. Sections refuse keys they do not know; numbers are
numbers (never text or true/false), amounts are not negative, dates are ISO dates and choices come
from the same vocabularies the forms and the planning core use. ``problems`` turns pydantic's
errors into one message per field path, in the reader's language.
"""

import datetime
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from klantbelang.matching.vocabulary import CLIENT_TYPES, SERVICES
from klantbelang.products.models import Category

from .models import Person
from .profile_data import (
    INCOME_SOURCES,
    KNOWLEDGE_LEVELS,
    KNOWLEDGE_TYPES,
    LIFE_EVENTS,
    LOSS_CAPACITIES,
    OBJECTIVE_TYPES,
    PRIORITIES,
    REPAYMENTS,
    RISK_QUESTIONS,
)

ADULTS = ("client", "partner")
ENERGY_LABELS = ("A++++ EPG", "A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G")
EXPERIENCE = ("none", "some", "much")
PAI_TYPES = ("climate", "environment", "social", "governance")
# A thousand billion euros: beyond any household, below where JSON numbers lose their cents.
MOST = 1e12


def _iso_date(value: str) -> str:
    datetime.date.fromisoformat(value)
    return value


Amount = Annotated[StrictInt | StrictFloat, Field(ge=0, le=MOST, allow_inf_nan=False)]
Percent = Annotated[StrictInt | StrictFloat, Field(ge=0, le=100, allow_inf_nan=False)]
Years = Annotated[StrictInt, Field(ge=0, le=120)]
Age = Annotated[StrictInt | StrictFloat, Field(ge=50, le=75, allow_inf_nan=False)]
IsoDate = Annotated[StrictStr, Field(max_length=10), AfterValidator(_iso_date)]
Text = Annotated[StrictStr, Field(max_length=200)]
Adult = Literal["client", "partner"]
# Choice fields the forms leave empty ("") when not answered.
Unanswered = Literal[""]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HouseholdEntry(Section):
    """A person as copied from the household's persons into every version."""

    id: StrictInt | None = None
    role: Literal[tuple(Person.Role.values)]  # type: ignore[valid-type]
    date_of_birth: IsoDate | None = None
    employment: Literal[tuple(Person.Employment.values)] | None = None  # type: ignore[valid-type]
    relationship_status: Literal[tuple(Person.RelationshipStatus.values)] | None = None  # type: ignore[valid-type]


class Income(Section):
    person: Adult
    source: Literal[INCOME_SOURCES]  # type: ignore[valid-type]
    gross_yearly: Amount | None = None


class Assets(Section):
    savings: Amount | None = None
    investments: Amount | None = None
    home_value: Amount | None = None
    other: Amount | None = None


class Home(Section):
    energy_label: Literal[ENERGY_LABELS] | Unanswered | None = None  # type: ignore[valid-type]
    rebuild_value: Amount | None = None


class MortgagePart(Section):
    amount: Amount | None = None
    rate_pct: Annotated[StrictInt | StrictFloat, Field(ge=0, le=20, allow_inf_nan=False)] | None = None
    fixed_until: IsoDate | None = None
    repayment: Literal[REPAYMENTS] | Unanswered | None = None  # type: ignore[valid-type]
    years_left: Years | None = None


class Pension(Section):
    employer_scheme: StrictBool | None = None
    expected_yearly: Amount | None = None
    aow_age: Annotated[StrictInt | StrictFloat, Field(ge=60, le=75, allow_inf_nan=False)] | None = None
    annuities: Amount | None = None


class PersonPension(Section):
    person: Adult
    provider: Text = ""
    projected_year: Amount | None = None
    accrued_year: Amount | None = None
    partner_pension_year: Amount | None = None
    start_age: Age | None = None


class PersonDetails(Section):
    employer_covers_wia_excess: StrictBool | None = None
    employer_covers_wga_gap: StrictBool | None = None
    work_years: Annotated[StrictInt, Field(ge=0, le=60)] | None = None
    aow_insured_years: Annotated[StrictInt, Field(ge=0, le=50)] | None = None


class ExistingProduct(Section):
    category: Literal[tuple(Category.values)]  # type: ignore[valid-type]
    insured: Adult | Unanswered | None = None
    provider: Text = ""
    code: Annotated[StrictStr, Field(max_length=40)] = ""
    premium_monthly: Amount | None = None
    cover: Amount | None = None
    benefit_year: Amount | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None


class Objective(Section):
    type: Literal[OBJECTIVE_TYPES]  # type: ignore[valid-type]
    horizon_years: Annotated[StrictInt, Field(ge=0, le=80)] | None = None
    target_amount: Amount | None = None
    priority: Literal[PRIORITIES] | Unanswered | None = None  # type: ignore[valid-type]
    funded: StrictBool = False


class Risk(Section):
    answers: dict[Literal[RISK_QUESTIONS], Annotated[StrictInt, Field(ge=1, le=4)]] = {}  # type: ignore[valid-type]
    horizon_years: Annotated[StrictInt, Field(ge=0, le=80)] | None = None
    loss_capacity: Literal[LOSS_CAPACITIES] | None = None  # type: ignore[valid-type]
    loss_limit_pct: Percent | None = None
    capacity_confirmed: StrictBool = False


class KnowledgeAnswer(Section):
    experience: Literal[EXPERIENCE] | None = None  # type: ignore[valid-type]
    understands: StrictBool = False


class Knowledge(Section):
    levels: dict[Literal[KNOWLEDGE_TYPES], Literal[KNOWLEDGE_LEVELS] | None] = {}  # type: ignore[valid-type]
    answers: dict[Literal[KNOWLEDGE_TYPES], KnowledgeAnswer] = {}  # type: ignore[valid-type]


class Sustainability(Section):
    asked: StrictBool = False
    taxonomy_min_pct: Percent = 0
    sfdr_sustainable_min_pct: Percent = 0
    pai: StrictBool = False
    pai_types: list[Literal[PAI_TYPES]] = []  # type: ignore[valid-type]


class LifeEvent(Section):
    type: Literal[LIFE_EVENTS]  # type: ignore[valid-type]
    date: IsoDate | None = None


class ProfileDocument(Section):
    client_type: Literal[CLIENT_TYPES] = "retail"  # type: ignore[valid-type]
    service: Literal[SERVICES] = "advice"  # type: ignore[valid-type]
    household: list[HouseholdEntry] = Field(default=[], max_length=20)
    income: list[Income] = Field(default=[], max_length=50)
    assets: Assets = Assets()
    home: Home = Home()
    mortgage_parts: list[MortgagePart] = Field(default=[], max_length=20)
    monthly_commitments: Amount | None = None
    student_debt_monthly: Amount | None = None
    pension: Pension = Pension()
    pensions: list[PersonPension] = Field(default=[], max_length=50)
    pensions_answered: list[Adult] = []
    person_details: dict[Adult, PersonDetails] = {}
    existing_products: list[ExistingProduct] = Field(default=[], max_length=100)
    objectives: list[Objective] = Field(default=[], max_length=50)
    own_words: Annotated[StrictStr, Field(max_length=5000)] = ""
    risk: Risk = Risk()
    knowledge: Knowledge = Knowledge()
    sustainability: Sustainability = Sustainability()
    life_events: list[LifeEvent] = Field(default=[], max_length=200)
    answered_sections: list[Literal["existing_products", "pensions"]] = []


def _message(error: dict[str, Any]) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _("This is not a field of the profile.")
    if kind == "missing":
        return _("This field is required.")
    if kind == "literal_error":
        choices = [choice for choice in re.findall(r"'([^']*)'", str(context.get("expected", ""))) if choice]
        return _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("This must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("This must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    if kind in {"int_type", "float_type", "int_from_float", "finite_number"}:
        return _("This must be a number.")
    if kind == "bool_type":
        return _("This must be true or false.")
    if kind in {"string_type", "string_too_long"}:
        return (_("This text is too long.") if kind == "string_too_long" else _("This must be text."))
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("This must be a group of fields.")
    if kind == "list_type":
        return _("This must be a list.")
    if kind == "too_long":
        return _("At most %(count)s items.") % {"count": context.get("max_length")}
    if kind == "value_error":
        return _("This is not a valid date (YYYY-MM-DD).")
    return _("This value is not valid.")


FIELD = re.compile(r"[a-z][a-z0-9_]*")
TYPE_TAGS = {"int", "float", "bool", "str", "none"}


def _path(location: tuple) -> str:
    """The field path of an error: its location up to the first part that names a type of a union
    member (``int``, ``literal['A', 'B']``, ``constrained-int``, a class name) rather than a field."""
    parts = []
    for part in location:
        if isinstance(part, str) and (not FIELD.fullmatch(part) or part in TYPE_TAGS):
            break
        parts.append(str(part))
    return ".".join(parts)


def problems(document: dict) -> dict[str, str]:
    """``{field path: message}`` for what in ``document`` does not fit the profile; empty when it fits.
    A value that fits none of a field's alternatives gets the message of the first."""
    try:
        ProfileDocument.model_validate(document)
    except PydanticValidationError as error:
        found: dict[str, str] = {}
        for item in error.errors():
            found.setdefault(_path(item["loc"]), _message(item))
        return found
    return {}
