import pytest

from klantbelang.core.spreadsheets import safe_cell


@pytest.mark.parametrize(("value", "expected"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+31 6 1234", "'+31 6 1234"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("Jansen", "Jansen"),
    (-12, "-12"),
    (3.5, "3.5"),
    (None, ""),
    (True, "True"),
])
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected
