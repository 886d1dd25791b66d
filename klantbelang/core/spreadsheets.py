"""Writing cells that people open in Excel or LibreOffice."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """A text cell that a spreadsheet will not run as a formula (CSV/formula injection, OWASP).

    A leading quote makes the cell literal text; numbers pass unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
