"""What one product file may hold, checked before and while it is read, so that a hostile or
broken file is a clear problem instead of a worker held for minutes or a process grown to
gigabytes: size (``MAX_BYTES``, checked by the caller), rows, characters in a cell, nesting of
JSON, and for an XLSX (a zip) what it unpacks to."""

import io
import zipfile

MAX_ROWS = 100_000
MAX_CELL = 10_000
MAX_DEPTH = 20
# An XLSX is a zip of XML: what its members unpack to, in all and compared with the file itself.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 100



def _count(number: int) -> str:
    """A whole number as a Dutch reader writes it: 100.000."""
    return f"{number:,}".replace(",", ".")


class TooLarge(ValueError):
    """The file is beyond one of the limits; the message says which, in words for the importer."""


def check_rows(count: int) -> None:
    if count > MAX_ROWS:
        raise TooLarge(f"the file has more than {_count(MAX_ROWS)} rows; split it into files of at most "
                       f"{_count(MAX_ROWS)} products")


def check_table(table: list[list[str]]) -> list[list[str]]:
    """``table`` when it is within the limits. (A cell over 131,072 characters the csv module
    refuses itself, as csv.Error, which the readers report.)"""
    check_rows(len(table) - 1)
    header = table[0] if table else []
    for number, row in enumerate(table, start=1):
        check_cells(row, number, header)
    return table


def check_cells(row, number: int, header) -> None:
    for column, cell in enumerate(row):
        if isinstance(cell, str) and len(cell) > MAX_CELL:
            name = header[column] if column < len(header) else f"column {column + 1}"
            raise TooLarge(f"row {number}, field {name}: a cell holds at most {_count(MAX_CELL)} characters "
                           f"({_count(len(cell))})")


def check_workbook(content: bytes) -> None:
    """Refuse a zip whose members would unpack to more than ``MAX_UNPACKED`` bytes, or more than
    ``MAX_RATIO`` times the file (a zip bomb), before openpyxl unpacks anything. The sizes in the
    zip's directory bind the reader: zipfile reads no member beyond the size it declares."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except zipfile.BadZipFile:
        raise TooLarge("not a readable XLSX workbook (not a zip file)") from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(content), 1):
        raise TooLarge(f"the workbook unpacks to {unpacked // (1024 * 1024)} MB from {len(content) // 1024} KB; "
                       "that is no product list (save it again, or export it as CSV)")


def depth(value, level: int = 0) -> int:
    """How deeply ``value`` nests (a list of flat products: 2), stopping once past ``MAX_DEPTH``."""
    if level > MAX_DEPTH or not isinstance(value, dict | list):
        return level
    items = value.values() if isinstance(value, dict) else value
    return max((depth(item, level + 1) for item in items), default=level + 1)
