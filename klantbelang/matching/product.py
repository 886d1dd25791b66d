"""The product side of a match: target market, negative target market and the facts the score uses.

Answers are tuples in the order of the vocabulary (e.g. ``knowledge[0]`` is the answer for basic
investors), each "Y", "N", "neutral" or None (not stated). There is deliberately no field for
commission or any other remuneration: the engine cannot be influenced by what a product pays.
"""

from dataclasses import dataclass

Answer = str | None


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

    @property
    def has_sustainability_data(self) -> bool:
        return self.taxonomy_pct is not None or self.sustainable_pct is not None or self.pai_considered is not None
