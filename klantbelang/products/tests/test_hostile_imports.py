"""A corpus of bad product files through the upload page: each is refused whole with a message
that names the file, row or field, never a 500, and no product is written; markup and formula
prefixes that are valid text are stored as text and shown escaped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from klantbelang.core.models import BackgroundJob
from klantbelang.products.models import Product, ProductImport

HEADER = ("code;name;provider;category;sri;retail;basic;loss_limited;loss_limit_pct;growth;advice;"
          "min_horizon_years;needs_served;taxonomy_pct;pai_considered;review_date;status;commission_pct")
GOOD = "F1;Groeifonds;Acme;investment_fund;4;Y;Y;Y;15;Y;Y;5;wealth_building;12.5;Y;2027-03-31;active;1.2"


def csv(*rows, encoding="utf-8") -> bytes:
    return "\n".join([HEADER, *rows]).encode(encoding)


def row(**changes) -> str:
    values = dict(zip(HEADER.split(";"), GOOD.split(";"), strict=True))
    values.update(changes)
    return ";".join(values.values())


def _zip_bomb() -> bytes:
    """A small file that unpacks to a thousand times its size."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)
    return out.getvalue()


CORPUS = [
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "x.csv", "not UTF-8 text"),
    ("utf-16", csv(GOOD, encoding="utf-16"), "x.csv", "not UTF-8 text"),
    ("latin-1", csv(row(name="Fonds Crème Brûlée"), encoding="latin-1"), "x.csv", "not UTF-8 text"),
    ("header only", HEADER.encode(), "x.csv", "no products"),
    ("nul in a cell", csv(row(name="Groei\x00fonds")), "x.csv", "row 2, field name"),
    ("oversized cell", csv(row(name="x" * 100_000)), "x.csv", "row 2, field name"),
    ("negative risk", csv(row(sri="-4")), "x.csv", "row 2, field sri"),
    ("huge risk", csv(row(sri="99999999999999999999")), "x.csv", "row 2, field sri"),
    ("huge percentage", csv(row(loss_limit_pct="1e308")), "x.csv", "row 2, field loss_limit_pct"),
    ("not a number", csv(row(min_horizon_years="NaN")), "x.csv", "row 2, field min_horizon_years"),
    ("far past", csv(row(review_date="0001-01-01")), "x.csv", "row 2, field review_date"),
    ("far future", csv(row(review_date="9999-12-31")), "x.csv", "row 2, field review_date"),
    ("impossible date", csv(row(review_date="2026-02-30")), "x.csv", "row 2, field review_date"),
    ("script as category", csv(row(category="<script>alert(1)</script>")), "x.csv", "row 2, field category"),
    ("formula as risk", csv(row(sri="=1+1")), "x.csv", "row 2, field sri"),
    ("nul in an extra column", csv(row(commission_pct="1\x00")), "x.csv", "row 2, field commission_pct"),
    ("over-long code", csv(row(code="C" * 41)), "x.csv", "row 2, field code: is longer than 40"),
    ("over-long provider", csv(row(provider="P" * 201)), "x.csv", "row 2, field provider: is longer than 200"),
    ("json garbage", b'{"products": "all of them"}', "x.json", "JSON"),
    ("zip that is no workbook", b"PK\x03\x04" + b"\x00" * 64, "x.xlsx", "not a readable XLSX workbook"),
    # Regressions: each of these was a 500, held a worker for minutes or grew the process to gigabytes.
    ("200,000-character cell", csv(row(name="x" * 200_000)), "x.csv", "not a readable CSV file"),
    ("cell over the limit", csv(row(name="y" * 20_000)), "x.csv",
     "row 2, field name: a cell holds at most 10.000 characters"),
    ("deeply nested JSON", b'{"products": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "x.json", "nested too deeply"),
    ("nested JSON", b'{"products": [{"code": ' + b'{"a": ' * 30 + b"1" + b"}" * 30 + b"}]}", "x.json",
     "nested too deeply"),
    ("too many rows", csv(*[row(code=f"C{number}") for number in range(100_001)]), "x.csv",
     "more than 100.000 rows"),
    ("zip bomb", _zip_bomb(), "x.xlsx", "the workbook unpacks to"),
]


@pytest.mark.parametrize(("label", "content", "filename", "message"), CORPUS, ids=[item[0] for item in CORPUS])
def test_a_bad_file_is_refused_whole_with_its_reason(login, firm, manager, label, content, filename, message):
    browser = login(manager)
    browser.raise_request_exception = False
    response = browser.post(reverse("products:import_list"), {
        "file": SimpleUploadedFile(filename, content), "provider": "", "category": "investment_fund"})
    assert response.status_code in {200, 302, 400}, response.status_code
    staged = ProductImport.objects.get()
    assert staged.status == "invalid"
    assert any(message in problem for problem in staged.problems), staged.problems
    browser.post(reverse("products:import_confirm", kwargs={"pk": staged.pk}))
    assert Product.objects.count() == 0
    assert BackgroundJob.objects.count() == 0


def test_an_empty_upload_is_a_form_error_and_stages_nothing(login, firm, manager):
    browser = login(manager)
    response = browser.post(reverse("products:import_list"), {
        "file": SimpleUploadedFile("x.csv", b""), "provider": "", "category": "investment_fund"})
    assert response.status_code in {200, 400}
    assert "Het verstuurde bestand is leeg." in response.content.decode()
    assert ProductImport.objects.count() == 0


@pytest.mark.parametrize("text", ["<script>alert('kb')</script>", "=HYPERLINK(\"http://evil\")", "@SUM(1)"])
def test_markup_and_formulas_in_names_are_text_and_escaped(login, firm, manager, adviser, text,
                                                            django_capture_on_commit_callbacks):
    browser = login(manager)
    browser.post(reverse("products:import_list"), {
        "file": SimpleUploadedFile("x.csv", csv(row(name=text))), "provider": "", "category": "investment_fund"})
    staged = ProductImport.objects.get()
    assert staged.status == "ready", staged.problems
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("products:import_confirm", kwargs={"pk": staged.pk}))
    product = Product.objects.get()
    assert product.name == text
    page = login(adviser).get(reverse("products:product_detail", kwargs={"pk": product.pk})).content.decode()
    assert "<script>alert('kb')</script>" not in page
    assert text.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;").replace('"', "&quot;") in page


def test_the_import_reads_its_codes_in_chunks(firm, manager, monkeypatch):
    """A file's codes are looked up in chunks: a million-row file once put them all in one IN list,
    more variables than SQLite takes, answered as "database unreachable". Such a file is now refused
    by its row count (the corpus above); the chunks keep the largest allowed file under every
    SQLite build's limit (32,766 in older ones)."""
    from klantbelang.products import services
    from klantbelang.products.importing import parse_product_file

    monkeypatch.setattr(services, "CODES_PER_QUERY", 3)
    result = parse_product_file(csv(*[row(code=f"C{number}") for number in range(10)]), filename="klein.csv")
    assert len(services.import_products(firm=firm, products=result.products, by=manager, source="test").created) == 10
    again = services.import_products(firm=firm, products=result.products, by=manager, source="test")
    assert (len(again.created), len(again.unchanged), Product.objects.filter(firm=firm).count()) == (0, 10, 10)
