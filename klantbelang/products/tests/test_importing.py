"""Reading product files: EMT and the klantbelang layout, every error class."""

import json

import pytest

from klantbelang.products.importing import parse_product_file

from .emt_rows import GOOD, HEADER_V1, SECOND, changed, emt


def test_emt_v4_with_bom_and_semicolons():
    result = parse_product_file(emt([GOOD, SECOND]), filename="x.csv", provider="Acme")
    assert result.format == "emt"
    assert result.problems == []
    first, second = result.products
    assert (first.code, first.name, first.provider_name, first.category) == (
        "NL0000000001", "Defensief Mixfonds", "Acme", "investment_fund")
    assert first.target_market["client_type"] == {"retail": "Y", "professional": "Y"}
    assert first.target_market["loss"] == {"none": "N", "limited": "Y", "no_guarantee": "Y", "beyond_capital": "N"}
    assert first.target_market["objectives"] == {"preservation": "neutral", "growth": "Y", "income": "neutral",
                                                 "hedging": "N", "leveraged": "N"}
    assert first.loss_level_pct == 10.0  # 0.1 as the EMT writes it
    assert first.sri == 3
    assert first.min_horizon_years == 3.0  # M
    assert first.attributes == {"99999_Distributor_Commission": "0.5"}  # kept, never used for matching
    assert second.target_market["knowledge"] == {"basic": "N", "informed": "Y", "advanced": "Y"}
    assert second.target_market["objectives"]["income"] is None
    assert second.min_horizon_years == 7.0


def test_emt_v1_names_and_commas_without_bom():
    result = parse_product_file(emt([GOOD], header=HEADER_V1, delimiter=",", bom=False), filename="x.csv",
                                file_format="emt")
    assert result.problems == []
    assert result.products[0].sri == 3
    assert result.products[0].target_market["service"] == {
        "execution_only": "N", "non_advised": "Y", "advice": "Y", "portfolio_management": "Y"}


@pytest.mark.parametrize(("value", "expected"), [("0.1", 10.0), ("10", 10.0), ("1", 100.0), ("0,25", 25.0),
                                                 ("25.5", 25.5), ("", None)])
def test_03030_as_fraction_or_percentage(value, expected):
    result = parse_product_file(emt([changed(GOOD, "03030", value)]), filename="x.csv")
    assert result.products[0].loss_level_pct == expected


@pytest.mark.parametrize(("value", "expected"), [("VS", 0.0), ("s", 1.0), ("M", 3.0), ("L", 5.0), ("12", 12.0),
                                                 ("", None)])
def test_05080_codes_and_numbers(value, expected):
    result = parse_product_file(emt([changed(GOOD, "05080", value)]), filename="x.csv")
    assert result.products[0].min_horizon_years == expected


@pytest.mark.parametrize(("field", "value", "message"), [
    ("01020", "P", "row 2, field 01020: 'P' is not Y, N or Neutral"),
    ("04010", "9", "row 2, field 04010: '9' is not a risk indicator from 1 to 7"),
    ("04010", "3.5", "row 2, field 04010: '3.5' is not a risk indicator from 1 to 7"),
    ("03030", "abc", "row 2, field 03030: 'abc' is not a number"),
    ("03030", "250", "row 2, field 03030: '250' is outside 0 to 100"),
    ("05080", "soon", "row 2, field 05080: 'soon' is not a number of years or VS, S, M, L"),
    ("00010", "", "row 2, field 00010: the product code is missing"),
])
def test_every_bad_cell_is_reported_with_row_and_field(field, value, message):
    result = parse_product_file(emt([changed(GOOD, field, value)]), filename="x.csv")
    assert [str(problem) for problem in result.problems] == [message]
    assert not result.is_valid


def test_duplicate_codes_and_all_problems_at_once():
    rows = [GOOD, changed(GOOD, "01010", "maybe"), changed(SECOND, "04010", "0")]
    result = parse_product_file(emt(rows), filename="x.csv")
    assert [str(problem) for problem in result.problems] == [
        "row 3, field 00010: 'NL0000000001' appears twice (also in row 2)",
        "row 3, field 01010: 'maybe' is not Y, N or Neutral",
        "row 4, field 04010: '0' is not a risk indicator from 1 to 7",
    ]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "field file: the file is empty"),
    (b"\xff\xfe\x00bad", "field file: the file is not UTF-8 text (byte 0)"),
    (b"00030_Name;01010_Retail\nX;Y", "row 1, field 00010: there is no product code column (00010)"),
    (b"00010_ISIN;00030_Name\n", "field file: the file has a header but no products"),
])
def test_file_level_problems(content, message):
    result = parse_product_file(content, filename="x.csv", file_format="emt")
    assert [str(problem) for problem in result.problems] == [message]


OWN_HEADER = "code;name;provider;category;sri;retail;basic;loss_limited;loss_limit_pct;growth;advice;" \
             "min_horizon_years;needs_served;taxonomy_pct;pai_considered;review_date;status;commission_pct"


def own_csv(*rows):
    return "\n".join([OWN_HEADER, *rows]).encode()


def test_own_csv_layout():
    result = parse_product_file(own_csv("F1;Groeifonds;Acme;investment_fund;4;Y;Y;Y;15;Y;Y;5;"
                                        "wealth_building,goal_funding;12.5;Y;2027-03-31;active;1.2"),
                                filename="products.csv")
    assert result.format == "csv"
    assert result.problems == []
    item = result.products[0]
    assert (item.code, item.provider_name, item.sri, item.loss_level_pct, item.min_horizon_years) == (
        "F1", "Acme", 4, 15.0, 5.0)
    assert item.needs_served == ["wealth_building", "goal_funding"]
    assert item.pai_considered is True
    assert str(item.review_date) == "2027-03-31"
    assert item.attributes == {"commission_pct": "1.2"}


@pytest.mark.parametrize(("row", "message"), [
    (";Fonds;Acme;investment_fund;4;Y;Y;Y;15;Y;Y;5;;;;;;", "row 2, field code: the product code is missing"),
    ("F1;Fonds;Acme;rocket;4;Y;Y;Y;15;Y;Y;5;;;;;;", "row 2, field category: 'rocket' is not one of"),
    ("F1;Fonds;Acme;investment_fund;4;Y;Y;Y;15;Y;Y;5;world_peace;;;;;", "unknown need type 'world_peace'"),
    ("F1;Fonds;Acme;investment_fund;4;Y;Y;Y;15;Y;Y;5;;;;2027-13-01;;", "'2027-13-01' is not a date (YYYY-MM-DD)"),
    ("F1;Fonds;Acme;investment_fund;4;Y;Y;Y;15;Y;Y;5;;-3;;;;", "row 2, field taxonomy_pct: '-3' is outside 0 to 100"),
    ("F1;Fonds;;investment_fund;4;Y;Y;Y;15;Y;Y;5;;;;;;", "row 2, field provider: is required"),
])
def test_own_layout_errors(row, message):
    result = parse_product_file(own_csv(row), filename="products.csv")
    assert len(result.problems) == 1
    assert message in str(result.problems[0])


def test_own_json_and_xlsx_give_the_same_products():
    from io import BytesIO

    from openpyxl import Workbook

    record = {"code": "F1", "name": "Groeifonds", "provider": "Acme", "category": "investment_fund", "sri": 4,
              "retail": "Y", "growth": "Y", "needs_served": ["wealth_building"], "min_horizon_years": 5}
    from_json = parse_product_file(json.dumps({"products": [record]}).encode(), filename="p.json")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(record))
    sheet.append([",".join(value) if isinstance(value, list) else value for value in record.values()])
    buffer = BytesIO()
    workbook.save(buffer)
    from_xlsx = parse_product_file(buffer.getvalue(), filename="p.xlsx")
    assert from_json.problems == from_xlsx.problems == []
    assert from_json.products[0].to_profile() == from_xlsx.products[0].to_profile()
    assert from_json.products[0].to_profile().sri == 4


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"[1, 2]", "p.json", "JSON must be a list of product objects"),
    (b"{nope", "p.json", "not valid JSON"),
    (b"PK\x03\x04garbage", "p.xlsx", "not a readable XLSX workbook"),
    (b"code;name\nF1;X", "p.csv", "row 1, field provider: the column is missing"),
])
def test_own_layout_file_problems(content, filename, message):
    result = parse_product_file(content, filename=filename)
    assert message in str(result.problems[0])
