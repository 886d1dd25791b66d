"""Calendar arithmetic that people expect from a date, shared by every app."""

import datetime


def years_later(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (or earlier, with a negative number); 29 February becomes 28
    February in a year that has none, instead of an error on leap day."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
