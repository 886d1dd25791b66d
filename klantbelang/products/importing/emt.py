"""FinDatEx European MiFID Template (EMT) reader.

Columns are recognised by their 5-digit field number prefix (``02010_Basic_Investor``), so the
name variants of EMT V1–V4 all work; columns without a known number are kept as attributes.
Only the fields that the target-market matching needs are interpreted (DESIGN.md, "Product import").
"""

import csv
import io
import re

from . import limits, values
from .parsed import ImportProblem, ParsedProduct, empty_target_market

FIELD_NUMBER = re.compile(r"^\s*(\d{5})")

# field number -> (target-market axis, value)
ANSWER_FIELDS = {
    "01010": ("client_type", "retail"),
    "01020": ("client_type", "professional"),
    "02010": ("knowledge", "basic"),
    "02020": ("knowledge", "informed"),
    "02030": ("knowledge", "advanced"),
    "03010": ("loss", "none"),
    "03020": ("loss", "limited"),
    "03040": ("loss", "no_guarantee"),
    "03050": ("loss", "beyond_capital"),
    "05010": ("objectives", "preservation"),
    "05020": ("objectives", "growth"),
    "05030": ("objectives", "income"),
    "05040": ("objectives", "hedging"),
    "05050": ("objectives", "leveraged"),
    "06010": ("service", "execution_only"),
    "06020": ("service", "non_advised"),
    "06030": ("service", "advice"),
    "06040": ("service", "portfolio_management"),
}
CODE, NAME, LOSS_LEVEL, SRI, HORIZON = "00010", "00030", "03030", "04010", "05080"
KNOWN = set(ANSWER_FIELDS) | {CODE, NAME, LOSS_LEVEL, SRI, HORIZON}


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"the file is not UTF-8 text (byte {error.start})") from None


def sniff_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_table(text: str) -> list[list[str]]:
    lines = text.splitlines()
    if not lines:
        return []
    return list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0])))


def parse_emt(content: bytes, *, provider: str = "", category: str = "investment_fund",
              provider_type: str = "asset_manager") -> tuple[list[ParsedProduct], list[ImportProblem]]:
    try:
        table = limits.check_table(read_table(decode(content)))
    except ValueError as error:
        return [], [ImportProblem(None, "file", str(error))]
    except csv.Error as error:
        return [], [ImportProblem(None, "file", f"not a readable CSV file ({error})")]
    if not table:
        return [], [ImportProblem(None, "file", "the file is empty")]
    header = table[0]
    columns: dict[str, int] = {}
    attribute_columns: dict[str, int] = {}
    problems: list[ImportProblem] = []
    for index, name in enumerate(header):
        match = FIELD_NUMBER.match(name)
        number = match.group(1) if match else None
        if number in KNOWN:
            if number in columns:
                problems.append(ImportProblem(1, number, f"the column appears twice ('{name.strip()}')"))
            columns[number] = index
        elif name.strip():
            attribute_columns[name.strip()] = index
    if CODE not in columns:
        problems.append(ImportProblem(1, CODE, "there is no product code column (00010)"))
    if problems:
        return [], problems

    products: list[ParsedProduct] = []
    first_row_of_code: dict[str, int] = {}
    for row_number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(number, cells=cells):
            index = columns.get(number)
            return cells[index] if index is not None and index < len(cells) else ""

        code = values.text(cell(CODE))
        if not code:
            problems.append(ImportProblem(row_number, CODE, "the product code is missing"))
        elif code in first_row_of_code:
            problems.append(ImportProblem(row_number, CODE,
                                          f"'{code}' appears twice (also in row {first_row_of_code[code]})"))
        else:
            first_row_of_code[code] = row_number
        target_market = empty_target_market()
        for number, (axis, value) in ANSWER_FIELDS.items():
            try:
                target_market[axis][value] = values.answer(cell(number))
            except values.CellError as error:
                problems.append(ImportProblem(row_number, number, str(error)))
        parsed = {}
        for number, key, reader in ((LOSS_LEVEL, "loss_level_pct", values.loss_level), (SRI, "sri", values.sri),
                                    (HORIZON, "min_horizon_years", values.horizon)):
            try:
                parsed[key] = reader(cell(number))
            except values.CellError as error:
                problems.append(ImportProblem(row_number, number, str(error)))
        attributes = {name: cells[index].strip() for name, index in attribute_columns.items()
                      if index < len(cells) and cells[index].strip()}
        products.append(ParsedProduct(
            code=code, name=values.text(cell(NAME)) or code, row=row_number, provider_name=provider,
            provider_type=provider_type, category=category, target_market=target_market,
            attributes=attributes, **parsed,
        ))
    if not products and not problems:
        problems.append(ImportProblem(None, "file", "the file has a header but no products"))
    return products, problems
