"""A product as read from a file, before anything touches the database (plain Python)."""

import datetime
from dataclasses import dataclass, field

from klantbelang.matching.product import ProductProfile
from klantbelang.matching.vocabulary import CLIENT_TYPES, KNOWLEDGE_LEVELS, LOSS_LEVELS, OBJECTIVES, SERVICES

TARGET_MARKET_AXES = {
    "client_type": CLIENT_TYPES,
    "knowledge": KNOWLEDGE_LEVELS,
    "loss": LOSS_LEVELS,
    "objectives": OBJECTIVES,
    "service": SERVICES,
}


def empty_target_market() -> dict:
    return {axis: dict.fromkeys(values) for axis, values in TARGET_MARKET_AXES.items()}


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # spreadsheet numbering: the header is row 1, the first product row 2
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, field {self.field}" if self.row is not None else f"field {self.field}"
        return f"{where}: {self.message}"


@dataclass
class ParsedProduct:
    code: str
    name: str
    row: int
    provider_name: str = ""
    provider_type: str = "asset_manager"
    category: str = "investment_fund"
    description: str = ""
    one_off_cost_pct: float | None = None
    ongoing_cost_pct: float | None = None
    sri: int | None = None
    sfdr_article: int | None = None
    taxonomy_pct: float | None = None
    sustainable_pct: float | None = None
    pai_considered: bool | None = None
    target_market: dict = field(default_factory=empty_target_market)
    loss_level_pct: float | None = None
    min_horizon_years: float | None = None
    needs_served: list[str] = field(default_factory=list)
    min_entry_age: int | None = None
    max_entry_age: int | None = None
    distribution_strategy: str = ""
    review_date: datetime.date | None = None
    status: str = "active"
    attributes: dict = field(default_factory=dict)

    def to_profile(self) -> ProductProfile:
        return profile_from_fields(
            code=self.code, name=self.name, target_market=self.target_market, loss_level_pct=self.loss_level_pct,
            sri=self.sri, min_horizon_years=self.min_horizon_years, taxonomy_pct=self.taxonomy_pct,
            sustainable_pct=self.sustainable_pct, pai_considered=self.pai_considered,
            needs_served=self.needs_served, min_entry_age=self.min_entry_age, max_entry_age=self.max_entry_age,
            ongoing_cost_pct=self.ongoing_cost_pct,
        )


def profile_from_fields(*, code, name, target_market, loss_level_pct, sri, min_horizon_years, taxonomy_pct,
                        sustainable_pct, pai_considered, needs_served, min_entry_age, max_entry_age,
                        ongoing_cost_pct) -> ProductProfile:
    """The engine's view of a product, from stored or parsed fields alike."""
    def answers(axis):
        stated = target_market.get(axis, {})
        return tuple(stated.get(value) for value in TARGET_MARKET_AXES[axis])

    return ProductProfile(
        code=code, name=name, client_type=answers("client_type"), knowledge=answers("knowledge"),
        loss=answers("loss"), loss_level_pct=loss_level_pct, sri=sri, objectives=answers("objectives"),
        min_horizon_years=min_horizon_years, service=answers("service"), taxonomy_pct=taxonomy_pct,
        sustainable_pct=sustainable_pct, pai_considered=pai_considered, needs_served=tuple(needs_served),
        min_entry_age=min_entry_age, max_entry_age=max_entry_age, ongoing_cost_pct=ongoing_cost_pct,
    )


@dataclass
class ParseResult:
    format: str
    products: list[ParsedProduct]
    problems: list[ImportProblem]

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.products)
