import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from klantbelang.products.models import Product

from .emt_rows import GOOD, SECOND, emt

PROFILE = {"client_type": "retail", "knowledge": "basic", "ability_to_bear_loss": "limited", "loss_limit_pct": 10,
           "risk_tolerance": 3, "objectives": ["growth"], "horizon_years": 5, "service": "advice",
           "sustainability": {"taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0, "pai": False}}


@pytest.fixture
def files(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE))
    products = tmp_path / "emt.csv"
    products.write_bytes(emt([SECOND, GOOD]))
    return str(profile), str(products)


def test_match_prints_the_ranked_output_json_and_writes_nothing(db, files):
    out = io.StringIO()
    call_command("match", "--profile", files[0], "--products", files[1], stdout=out)
    ranked = json.loads(out.getvalue())
    assert [entry["code"] for entry in ranked] == ["NL0000000001", "NL0000000002"]
    first, second = ranked
    assert first["eligible"] is True
    assert first["axes"] == {"client_type": "pass", "knowledge": "pass", "loss": "pass", "risk": "pass",
                             "objectives": "pass", "horizon": "pass", "service": "pass", "sustainability": "pass"}
    assert second["eligible"] is False
    assert {(reason["axis"], reason["code"]) for reason in second["reasons"]} == {
        ("knowledge", "knowledge_negative"), ("loss", "loss_negative"), ("risk", "risk_above_tolerance"),
        ("horizon", "horizon_too_short")}
    assert Product.objects.count() == 0


def test_match_table_and_top(db, files):
    out = io.StringIO()
    call_command("match", "--profile", files[0], "--products", files[1], "--format", "table", "--top", "1",
                 stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("NL0000000001     yes")


def test_invalid_profile_is_a_clear_error(db, tmp_path, files):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROFILE, "risk_tolerance": 9}))
    with pytest.raises(CommandError, match="invalid profile: risk_tolerance: must be a whole number from 1 to 7"):
        call_command("match", "--profile", str(bad), "--products", files[1])
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="not a JSON profile"):
        call_command("match", "--profile", str(bad), "--products", files[1])


def test_invalid_product_file_is_a_clear_error(db, tmp_path, files):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(emt([[*GOOD[:2], "P", *GOOD[3:]]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("match", "--profile", files[0], "--products", str(broken), stderr=err)
    assert err.getvalue().strip() == "row 2, field 01010: 'P' is not Y, N or Neutral"
