"""Reading one cell: the value rules shared by the EMT reader and the project's own layout."""

import datetime

from klantbelang.matching.vocabulary import HORIZON_CODES, NEUTRAL, NO, YES

_ANSWERS = {"y": YES, "yes": YES, "n": NO, "no": NO, "neutral": NEUTRAL}


class CellError(ValueError):
    pass


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def answer(value) -> str | None:
    """Y / N / Neutral, case-insensitive (yes / no too); empty is None."""
    raw = text(value)
    if not raw:
        return None
    try:
        return _ANSWERS[raw.lower()]
    except KeyError:
        raise CellError(f"'{raw}' is not Y, N or Neutral") from None


def number(value, *, low: float | None = None, high: float | None = None) -> float | None:
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        result = float(value)
    else:
        raw = text(value)
        if not raw:
            return None
        try:
            result = float(raw.replace(",", ".")) if raw.count(",") == 1 and "." not in raw else float(raw)
        except ValueError:
            raise CellError(f"'{raw}' is not a number") from None
    if result != result or result in {float("inf"), float("-inf")}:
        raise CellError(f"'{value}' is not a number")
    if (low is not None and result < low) or (high is not None and result > high):
        raise CellError(f"'{text(value)}' is outside {low:g} to {high:g}")
    return result


def whole(value, *, low: int, high: int, what: str = "a whole number") -> int | None:
    result = number(value)
    if result is None:
        return None
    if not result.is_integer() or not low <= result <= high:
        raise CellError(f"'{text(value)}' is not {what} from {low} to {high}")
    return int(result)


def sri(value) -> int | None:
    return whole(value, low=1, high=7, what="a risk indicator")


def loss_level(value) -> float | None:
    """EMT 03030: a fraction as the EMT writes it (0.1) or a percentage (10); ≤ 1 is a fraction."""
    result = number(value, low=0, high=100)
    if result is None:
        return None
    return round(result * 100, 6) if result <= 1 else result


def horizon(value) -> float | None:
    """EMT 05080: minimum years, or VS (<1y → 0), S (≥1y), M (≥3y), L (>5y → 5)."""
    raw = text(value)
    if not raw:
        return None
    code = HORIZON_CODES.get(raw.upper())
    if code is not None:
        return code
    try:
        return number(raw, low=0, high=100)
    except CellError:
        raise CellError(f"'{raw}' is not a number of years or VS, S, M, L") from None


def percentage(value) -> float | None:
    return number(value, low=0, high=100)


def boolean(value) -> bool | None:
    result = answer(value)
    if result is None or result == NEUTRAL:
        return None
    return result == YES


def date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    try:
        parsed = datetime.date.fromisoformat(raw)
    except ValueError:
        raise CellError(f"'{raw}' is not a date (YYYY-MM-DD)") from None
    if not 1900 <= parsed.year <= 2200:
        raise CellError(f"'{raw}' is not a plausible date")
    return parsed


def choice(value, choices, *, default=None) -> str:
    raw = text(value).lower()
    if not raw and default is not None:
        return default
    if raw not in choices:
        raise CellError(f"'{text(value)}' is not one of {', '.join(choices)}")
    return raw
