"""The year's legal figures as data: one JSON file per parameter set in ``parameters/``, each figure
with its source next to it. This module only reads them and answers the lookups the rules need.

A parameter set never changes once advice has used it; a new year is a new file (``NL-2027``), so a
stored plan re-renders with the figures it was made with.
"""

import bisect
import datetime
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PARAMETER_DIRECTORY = Path(__file__).resolve().parent / "parameters"
DEFAULT_PARAMETER_SET = "NL-2026"


class UnknownParameterSet(LookupError):
    pass


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; a day the target month lacks becomes its last day (31 August
    + 6 months = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


@dataclass(frozen=True)
class FinancingTable:
    """One table of Bijlage 1 Trhk: a percentage per toetsinkomen row and toetsrente column."""

    rate_upper_bounds: tuple[float, ...]
    incomes: tuple[float, ...]
    percentages: tuple[tuple[float, ...], ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "FinancingTable":
        rows = data["rows"]
        return cls(tuple(data["rate_upper_bounds_pct"]), tuple(float(row["income_from"]) for row in rows),
                   tuple(tuple(row["pct"]) for row in rows))

    def column(self, rate_pct: float) -> int:
        """The column of a toetsrente: '≤ 1,500 %', '1,501–2,000 %', …, '≥ 6,501 %'. Rates are read to
        three decimals, as the table's bands are written."""
        return bisect.bisect_left(self.rate_upper_bounds, round(rate_pct, 3))

    def row(self, income: float) -> int:
        """The row of a toetsinkomen: the highest row whose lower bound the income reaches (a row
        '€ 35.000' holds 35.000 up to 35.999); incomes above the last row use the last row."""
        return max(0, bisect.bisect_right(self.incomes, income) - 1)

    def percentage(self, *, income: float, rate_pct: float) -> float:
        return self.percentages[self.row(income)][self.column(rate_pct)]


@dataclass(frozen=True)
class ParameterSet:
    name: str
    data: dict[str, Any]

    # AOW ---------------------------------------------------------------------------------------
    @functools.cached_property
    def _aow_table(self) -> list[tuple[datetime.date, datetime.date, int, int]]:
        return [(datetime.date.fromisoformat(row["born_after"]), datetime.date.fromisoformat(row["born_before"]),
                 row["years"], row["months"]) for row in self.data["aow_age"]["table"]]

    @functools.cached_property
    def _aow_dates(self) -> dict[datetime.date, datetime.date]:
        return {}

    def aow_age(self, birth_date: datetime.date) -> tuple[int, int]:
        """(years, months) of the AOW age for a birth date; past the table the last age fixed by law."""
        table = self._aow_table
        for born_after, born_before, years, months in table:
            if born_after < birth_date < born_before:
                return years, months
        if birth_date <= table[0][0]:
            return table[0][2], table[0][3]
        last = self.data["aow_age"]["last_fixed"]
        return last["years"], last["months"]

    def aow_date(self, birth_date: datetime.date) -> datetime.date:
        known = self._aow_dates.get(birth_date)
        if known is None:
            years, months = self.aow_age(birth_date)
            known = self._aow_dates[birth_date] = add_months(birth_date, 12 * years + months)
        return known

    def aow_gross_year(self, *, with_partner: bool, insured_years: int | None = None) -> float:
        """12 × (monthly gross AOW + monthly holiday allowance) at the amounts of 1 January; 2 % less for
        every year of the 50 not insured."""
        amounts = self.data["aow"]["partner" if with_partner else "single"]
        full = 12 * (amounts["monthly_gross"] + amounts["monthly_holiday_allowance"])
        if insured_years is None:
            return round(full, 2)
        share = min(insured_years, self.data["aow"]["insured_years_full"]) * self.data["aow"][
            "accrual_pct_per_insured_year"] / 100
        return round(full * share, 2)

    # Employee insurances ------------------------------------------------------------------------
    @property
    def wia(self) -> dict[str, Any]:
        return self.data["wia"]

    @property
    def ww(self) -> dict[str, Any]:
        return self.data["ww"]

    @property
    def anw(self) -> dict[str, Any]:
        return self.data["anw"]

    def anw_year(self, *, survivor_income_year: float) -> float:
        """The survivor benefit for a year: the part of the income from work above the disregarded
        amount is deducted for two thirds from the benefit without its top-up; the top-up and the
        holiday allowance follow what is left."""
        anw = self.anw
        monthly_income = survivor_income_year / 12
        numerator, denominator = anw["income_deducted_fraction_above"]
        deduction = max(0.0, monthly_income - anw["income_disregarded_monthly"]) * numerator / denominator
        benefit = max(0.0, anw["survivor_monthly_gross"] - deduction)
        if benefit <= 0:
            return 0.0
        share = benefit / anw["survivor_monthly_gross"]
        return round(12 * (benefit + anw["top_up_monthly"] + anw["holiday_allowance_monthly"] * share), 2)

    # Lending norms ------------------------------------------------------------------------------
    @property
    def lending(self) -> dict[str, Any]:
        return self.data["lending"]

    @functools.cached_property
    def financing_below_aow(self) -> FinancingTable:
        return FinancingTable.from_data(self.lending["financieringslast"]["below_aow"])

    @functools.cached_property
    def financing_at_aow(self) -> FinancingTable:
        return FinancingTable.from_data(self.lending["financieringslast"]["at_aow"])

    def financing_percentage(self, *, income: float, rate_pct: float, at_aow: bool) -> float:
        table = self.financing_at_aow if at_aow else self.financing_below_aow
        return table.percentage(income=income, rate_pct=rate_pct)

    def student_debt_factor(self, rate_pct: float) -> float:
        gross_up = self.lending["student_debt_gross_up"]
        index = bisect.bisect_left(gross_up["rate_upper_bounds_pct"], round(rate_pct, 3))
        return gross_up["factors"][index]

    def energy_label_amount(self, label: str | None) -> float:
        if not label:
            return 0.0
        return float(self._energy_label_amounts.get(_label_key(label), 0))

    @functools.cached_property
    def _energy_label_amounts(self) -> dict[str, float]:
        return {_label_key(key): value for key, value in self.lending["energy_label_amounts"].items()
                if key != "source"}


def _label_key(label: str) -> str:
    return label.strip().upper().replace(" ", "")


@functools.cache
def load_parameters(name: str = DEFAULT_PARAMETER_SET) -> ParameterSet:
    path = PARAMETER_DIRECTORY / f"{name}.json"
    if "/" in name or not path.is_file():
        raise UnknownParameterSet(name)
    return ParameterSet(name=name, data=json.loads(path.read_text(encoding="utf-8")))


def available_parameter_sets() -> list[str]:
    return sorted(path.stem for path in PARAMETER_DIRECTORY.glob("*.json"))
