"""Reading product files without writing anything: FinDatEx EMT and the project's own layout.

``parse_product_file`` returns every product it could read and every problem it found; a caller
writes nothing unless there are no problems (imports are all or nothing).
"""

from pathlib import PurePath

from .emt import parse_emt
from .own import COLUMNS, parse_own
from .parsed import ImportProblem, ParsedProduct, ParseResult, profile_from_fields

FORMATS = ("emt", "csv", "xlsx", "json")
MAX_BYTES = 20 * 1024 * 1024


def guess_format(filename: str, content: bytes) -> str:
    """EMT when a CSV's header carries EMT field numbers; otherwise by the file's extension."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix in {"xlsx", "json"}:
        return suffix
    head = content[:4096].decode("utf-8-sig", errors="replace").splitlines()[:1]
    if head and ("00010" in head[0] or "01010" in head[0]):
        return "emt"
    return "csv"


def parse_product_file(content: bytes, *, filename: str = "", file_format: str | None = None,
                       provider: str = "", category: str = "investment_fund") -> ParseResult:
    file_format = file_format or guess_format(filename, content)
    if file_format not in FORMATS:
        return ParseResult(file_format, [], [ImportProblem(None, "format", f"unknown format '{file_format}'")])
    if len(content) > MAX_BYTES:
        return ParseResult(file_format, [], [ImportProblem(None, "file", "the file is larger than 20 MB")])
    if file_format == "emt":
        products, problems = parse_emt(content, provider=provider, category=category)
    else:
        products, problems = parse_own(content, file_format=file_format)
    return ParseResult(file_format, products, problems)


__all__ = ["COLUMNS", "FORMATS", "ImportProblem", "ParseResult", "ParsedProduct", "parse_product_file",
           "profile_from_fields"]
