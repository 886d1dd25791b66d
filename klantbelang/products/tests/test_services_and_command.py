import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from klantbelang.core.models import AuditEvent
from klantbelang.products.importing import parse_product_file
from klantbelang.products.models import Product, ProductVersion, Provider
from klantbelang.products.services import ImportRejected, import_products

from .emt_rows import GOOD, SECOND, changed, emt


def _parsed(content=None, provider="Acme"):
    return parse_product_file(content or emt([GOOD, SECOND]), filename="x.csv", provider=provider).products


def test_import_creates_products_versions_and_audit(firm, manager):
    summary = import_products(firm=firm, products=_parsed(), by=manager, source="emt")
    assert (summary.created, summary.updated, summary.unchanged) == (["NL0000000001", "NL0000000002"], [], [])
    product = Product.objects.get(code="NL0000000001")
    assert (product.firm, product.provider.name, product.version, product.source, product.sri) == (
        firm, "Acme", 1, "emt", 3)
    assert product.negative_target_market == {
        "loss": ["none", "beyond_capital"], "objectives": ["hedging", "leveraged"], "service": ["execution_only"]}
    assert ProductVersion.objects.filter(product=product).count() == 1
    assert list(AuditEvent.objects.filter(action="product.created").values_list("object_id", flat=True)
                .order_by("object_id")) == sorted(str(pk) for pk in Product.objects.values_list("pk", flat=True))


def test_reimport_updates_changed_products_only_and_keeps_versions(firm, manager):
    import_products(firm=firm, products=_parsed(), by=manager, source="emt")
    changed_file = emt([changed(GOOD, "04010", "4"), SECOND])
    summary = import_products(firm=firm, products=_parsed(changed_file), by=manager, source="emt")
    assert (summary.created, summary.updated, summary.unchanged) == ([], ["NL0000000001"], ["NL0000000002"])
    product = Product.objects.get(code="NL0000000001")
    assert (product.sri, product.version) == (4, 2)
    versions = list(product.versions.order_by("version").values_list("version", "changed_fields"))
    assert versions == [(1, []), (2, ["sri"])]
    event = AuditEvent.objects.get(action="product.updated")
    assert event.changes == {"sri": {"before": 3, "after": 4}}


def test_import_without_provider_is_rejected_and_writes_nothing(firm, manager):
    with pytest.raises(ImportRejected) as rejected:
        import_products(firm=firm, products=_parsed(provider=""), by=manager, source="emt")
    assert [str(problem) for problem in rejected.value.problems] == [
        "row 2, field provider: the provider is missing (for an EMT file, name it)",
        "row 3, field provider: the provider is missing (for an EMT file, name it)",
    ]
    assert Product.objects.count() == Provider.objects.count() == AuditEvent.objects.count() == 0


@pytest.mark.parametrize("role", ["adviser", "reviewer", "marketing", "client_user", "product_developer"])
def test_only_managers_and_admins_import(request, firm, role):
    with pytest.raises(PermissionDenied):
        import_products(firm=firm, products=_parsed(), by=request.getfixturevalue(role), source="emt")
    assert Product.objects.count() == 0


def test_a_firm_sees_only_its_own_shelf(firm, other_firm, adviser, other_firm_adviser):
    import_products(firm=firm, products=_parsed(), by=None, source="emt")
    import_products(firm=other_firm, products=_parsed(), by=None, source="emt")
    assert Product.objects.count() == 4
    assert {product.firm for product in Product.objects.visible_to(adviser)} == {firm}
    assert Product.objects.visible_to(other_firm_adviser).count() == 2


def _write(tmp_path, content, name="products.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_command_imports_and_reports(tmp_path, firm):
    out = io.StringIO()
    call_command("import_products", _write(tmp_path, emt([GOOD, SECOND])), "--firm", firm.slug, "--provider",
                 "Acme", stdout=out)
    assert out.getvalue().strip() == "2 products read (emt): 2 were created, 0 were updated, 0 unchanged."
    assert Product.objects.count() == 2


def test_command_dry_run_writes_nothing(tmp_path, firm):
    out = io.StringIO()
    call_command("import_products", _write(tmp_path, emt([GOOD])), "--firm", firm.slug, "--provider", "Acme",
                 "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 products read (emt): 1 would be created, 0 would be updated, 0 unchanged."
    assert Product.objects.count() == 0


@pytest.mark.parametrize(("rows", "expected"), [
    ([changed(GOOD, "01020", "P")], ["row 2, field 01020: 'P' is not Y, N or Neutral"]),
    ([GOOD, changed(SECOND, "04010", "8")], ["row 3, field 04010: '8' is not a risk indicator from 1 to 7"]),
    ([GOOD, changed(SECOND, "03030", "x")], ["row 3, field 03030: 'x' is not a number"]),
    ([GOOD, GOOD], ["row 3, field 00010: 'NL0000000001' appears twice (also in row 2)"]),
    ([changed(GOOD, "00010", "")], ["row 2, field 00010: the product code is missing"]),
])
def test_command_rejects_the_whole_file_and_prints_every_problem(tmp_path, firm, rows, expected):
    import_products(firm=firm, products=_parsed(emt([SECOND])), by=None, source="emt")
    before = list(Product.objects.values_list("code", "sri", "version"))
    audit_before = AuditEvent.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_products", _write(tmp_path, emt(rows)), "--firm", firm.slug, "--provider", "Acme",
                     stderr=err)
    assert err.getvalue().splitlines() == expected
    assert list(Product.objects.values_list("code", "sri", "version")) == before
    assert AuditEvent.objects.count() == audit_before


def test_command_exit_code_and_no_traceback(tmp_path):
    """As a process: a clear message and a non-zero exit, no traceback (the file check comes first,
    so this needs no database)."""
    import subprocess
    import sys

    missing = str(tmp_path / "missing.csv")
    result = subprocess.run([sys.executable, "manage.py", "import_products", missing, "--firm", "x"],  # noqa: S603
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"CommandError: {missing}: no such file"


def test_command_names_an_unknown_firm(tmp_path, db):
    with pytest.raises(CommandError, match="no firm with short name 'nobody'"):
        call_command("import_products", _write(tmp_path, emt([GOOD])), "--firm", "nobody")
