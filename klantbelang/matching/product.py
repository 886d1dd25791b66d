"""The product side of a match: target market, negative target market and the facts the score uses.

Answers are tuples in the order of the vocabulary (e.g. ``knowledge[0]`` is the answer for basic
investors), each "Y", "N", "neutral" or None (not stated). There is deliberately no field for
commission or any other remuneration: the engine cannot be influenced by what a product pays.
"""

from dataclasses import dataclass

Answer = str | None

# The planning core names needs per scenario; a product declared for the broader need serves them
# too (an AOV "income_protection" serves a disability gap and a WGA gap). Applied when the product
# profile is made, so the per-pair and the batch engine see the same served needs.
SERVES_ALSO = {
    "income_protection": ("disability_gap", "wga_gap"),
    "mortgage_financing": ("mortgage_affordability",),
    "mortgage_rate_reset": ("mortgage_affordability",),
    "home_cover": ("contents_cover",),
    "emergency_buffer": ("unemployment_gap",),
}


def served_needs(declared) -> tuple[str, ...]:
    """The declared needs and the planning needs they stand for, in a stable order."""
    served = list(dict.fromkeys(declared or ()))
    for need in list(served):
        served.extend(extra for extra in SERVES_ALSO.get(need, ()) if extra not in served)
    return tuple(served)


@dataclass(frozen=True)
class ProductProfile:
    code: str
    name: str
    client_type: tuple[Answer, Answer]  # retail, professional
    knowledge: tuple[Answer, Answer, Answer]  # basic, informed, advanced
    loss: tuple[Answer, Answer, Answer, Answer]  # none, limited, no_guarantee, beyond_capital
    loss_level_pct: float | None  # EMT 03030 as a percentage
    sri: int | None  # EMT 04010
    objectives: tuple[Answer, Answer, Answer, Answer, Answer]  # preservation … leveraged
    min_horizon_years: float | None  # EMT 05080
    service: tuple[Answer, Answer, Answer, Answer]  # execution_only … portfolio_management
    taxonomy_pct: float | None = None
    sustainable_pct: float | None = None
    pai_considered: bool | None = None
    needs_served: tuple[str, ...] = ()
    min_entry_age: int | None = None
    max_entry_age: int | None = None
    ongoing_cost_pct: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs_served", served_needs(self.needs_served))

    @property
    def has_sustainability_data(self) -> bool:
        return self.taxonomy_pct is not None or self.sustainable_pct is not None or self.pai_considered is not None
