"""The project's own product layout, as CSV, XLSX or JSON (documented in docs/product-import.md)."""

import csv
import io
import json

from klantbelang.core.needs import NeedType

from ..vocabulary import CATEGORIES, PROVIDER_TYPES, SFDR_ARTICLES, STATUSES
from . import limits, values
from .emt import decode, read_table
from .parsed import ImportProblem, ParsedProduct, empty_target_market

# column -> (target-market axis, value)
TARGET_MARKET_COLUMNS = {
    "retail": ("client_type", "retail"),
    "professional": ("client_type", "professional"),
    "basic": ("knowledge", "basic"),
    "informed": ("knowledge", "informed"),
    "advanced": ("knowledge", "advanced"),
    "loss_none": ("loss", "none"),
    "loss_limited": ("loss", "limited"),
    "loss_no_guarantee": ("loss", "no_guarantee"),
    "loss_beyond_capital": ("loss", "beyond_capital"),
    "preservation": ("objectives", "preservation"),
    "growth": ("objectives", "growth"),
    "income": ("objectives", "income"),
    "hedging": ("objectives", "hedging"),
    "leveraged": ("objectives", "leveraged"),
    "execution_only": ("service", "execution_only"),
    "non_advised": ("service", "non_advised"),
    "advice": ("service", "advice"),
    "portfolio_management": ("service", "portfolio_management"),
}

COLUMNS = [
    "code", "name", "provider", "provider_type", "category", "description", "one_off_cost_pct",
    "ongoing_cost_pct", "sri", "sfdr_article", "taxonomy_pct", "sustainable_pct", "pai_considered",
    *TARGET_MARKET_COLUMNS.keys(), "loss_limit_pct", "min_horizon_years", "needs_served", "min_entry_age",
    "max_entry_age", "distribution_strategy", "review_date", "status",
]
REQUIRED = ("code", "name", "provider", "category")
NEED_TYPES = tuple(NeedType.values)


def _needs(value) -> list[str]:
    if isinstance(value, list):
        items = [values.text(item) for item in value]
    else:
        raw = values.text(value)
        for separator in (";", "|"):
            raw = raw.replace(separator, ",")
        items = [item.strip() for item in raw.split(",")]
    needs = [item for item in items if item]
    unknown = [item for item in needs if item not in NEED_TYPES]
    if unknown:
        raise values.CellError(f"unknown need type '{unknown[0]}'")
    return list(dict.fromkeys(needs))


def _sfdr(value) -> int | None:
    result = values.whole(value, low=6, high=9, what="an SFDR article")
    if result is not None and result not in SFDR_ARTICLES:
        raise values.CellError(f"'{result}' is not an SFDR article (6, 8 or 9)")
    return result


READERS = {
    "provider_type": lambda value: values.choice(value, PROVIDER_TYPES, default="asset_manager"),
    "category": lambda value: values.choice(value, CATEGORIES),
    "one_off_cost_pct": values.percentage,
    "ongoing_cost_pct": values.percentage,
    "sri": values.sri,
    "sfdr_article": _sfdr,
    "taxonomy_pct": values.percentage,
    "sustainable_pct": values.percentage,
    "pai_considered": values.boolean,
    "loss_limit_pct": values.percentage,
    "min_horizon_years": values.horizon,
    "needs_served": _needs,
    "min_entry_age": lambda value: values.whole(value, low=0, high=120, what="an age"),
    "max_entry_age": lambda value: values.whole(value, low=0, high=120, what="an age"),
    "review_date": values.date,
    "status": lambda value: values.choice(value, STATUSES, default="active"),
}
FIELD_NAMES = {"loss_limit_pct": "loss_level_pct", "provider": "provider_name"}


def _rows_from_csv(content: bytes):
    try:
        table = limits.check_table(read_table(decode(content)))
    except csv.Error as error:
        raise ValueError(f"not a readable CSV file ({error})") from None
    if not table:
        return None, []
    header = [name.strip().lower() for name in table[0]]
    return header, [dict(zip(header, row, strict=False)) for row in table[1:]]


def _rows_from_xlsx(content: bytes):
    from openpyxl import load_workbook

    limits.check_workbook(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValueError(f"not a readable XLSX workbook ({type(error).__name__})") from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):  # streamed: the rows stop at the limit
        rows.append(row)
        limits.check_rows(len(rows) - 1)
        limits.check_cells(row, len(rows), rows[0])
    workbook.close()
    if not rows:
        return None, []
    header = [values.text(name).lower() for name in rows[0]]
    return header, [dict(zip(header, row, strict=False)) for row in rows[1:]]


def _rows_from_json(content: bytes):
    try:
        data = json.loads(decode(content))
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    if limits.depth(data) > 6:  # {"products": [{field: value or [values]}]} is 4 deep
        raise ValueError("the JSON is nested too deeply: give a list of product objects")
    if isinstance(data, dict):
        data = data.get("products")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError('JSON must be a list of product objects, or {"products": [...]}')
    limits.check_rows(len(data))
    header = list(dict.fromkeys(key for item in data for key in item))
    return header, data


def parse_own(content: bytes, *, file_format: str) -> tuple[list[ParsedProduct], list[ImportProblem]]:
    reader = {"csv": _rows_from_csv, "xlsx": _rows_from_xlsx, "json": _rows_from_json}[file_format]
    try:
        header, rows = reader(content)
    except ValueError as error:
        return [], [ImportProblem(None, "file", str(error))]
    if header is None:
        return [], [ImportProblem(None, "file", "the file is empty")]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        return [], [ImportProblem(1, column, "the column is missing") for column in missing]
    problems: list[ImportProblem] = []
    products: list[ParsedProduct] = []
    first_row_of_code: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        if not any(values.text(value) for value in row.values() if not isinstance(value, list)) and not any(
                isinstance(value, list) and value for value in row.values()):
            continue
        code = values.text(row.get("code"))
        if not code:
            problems.append(ImportProblem(row_number, "code", "the product code is missing"))
        elif code in first_row_of_code:
            problems.append(ImportProblem(row_number, "code",
                                          f"'{code}' appears twice (also in row {first_row_of_code[code]})"))
        else:
            first_row_of_code[code] = row_number
        fields = {}
        for column in ("name", "provider"):
            fields[FIELD_NAMES.get(column, column)] = values.text(row.get(column))
            if not fields[FIELD_NAMES.get(column, column)]:
                problems.append(ImportProblem(row_number, column, "is required"))
        fields["description"] = values.text(row.get("description"))
        fields["distribution_strategy"] = values.text(row.get("distribution_strategy"))
        for column, read in READERS.items():
            try:
                fields[FIELD_NAMES.get(column, column)] = read(row.get(column))
            except values.CellError as error:
                problems.append(ImportProblem(row_number, column, str(error)))
        target_market = empty_target_market()
        for column, (axis, value) in TARGET_MARKET_COLUMNS.items():
            try:
                target_market[axis][value] = values.answer(row.get(column))
            except values.CellError as error:
                problems.append(ImportProblem(row_number, column, str(error)))
        minimum, maximum = fields.get("min_entry_age"), fields.get("max_entry_age")
        if minimum is not None and maximum is not None and minimum > maximum:
            problems.append(ImportProblem(row_number, "max_entry_age", f"'{maximum}' is below min_entry_age"))
        attributes = {key: values.text(value) for key, value in row.items()
                      if key and key not in COLUMNS and values.text(value)}
        products.append(ParsedProduct(code=code, row=row_number, target_market=target_market,
                                      attributes=attributes, **fields))
    if not products and not problems:
        problems.append(ImportProblem(None, "file", "the file has a header but no products"))
    return products, problems
