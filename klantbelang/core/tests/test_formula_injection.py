"""Every CSV the application hands out neutralises formula injection: with hostile text in the
names a firm types (a product, a provider, a lead source, a team, a client), no cell of any export
starts with a character a spreadsheet would run (= + - @, tab, carriage return)."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from klantbelang.core.spreadsheets import _FORMULA_START

pytestmark = pytest.mark.django_db
HOSTILE = "=HYPERLINK(\"http://evil.example\",\"klik\")"


def _cells(content: bytes):
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def _unsafe(cells) -> list[str]:
    """Cells a spreadsheet would evaluate; plain negative numbers are data, not formulas."""
    def number(cell):
        try:
            float(cell)
        except ValueError:
            return False
        return True

    return [cell for cell in cells if cell.startswith(_FORMULA_START) and not number(cell)]


# The exports cover this year's reports and campaigns: the day is fixed so the hostile rows stay inside them.
@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_every_export_neutralises_formulas(login, firm, manager, marketing, adviser,
                                           django_capture_on_commit_callbacks):
    import datetime

    from klantbelang.clients.tests.factories import household
    from klantbelang.core.models import BackgroundJob
    from klantbelang.governance import services as governance
    from klantbelang.products.tests.factories import ProductFactory, ProviderFactory
    from klantbelang.prospects.tests.factories import prospect, source
    from klantbelang.quality.tests.factories import moment, released

    provider = ProviderFactory(firm=firm, name=HOSTILE)
    product = ProductFactory(firm=firm, provider=provider, code="@SUM(A1)", name=HOSTILE)
    client = household(firm, adviser, name=HOSTILE)
    released(firm, adviser, client=client, at=moment(2026, 3, 2), recommendations=[("goal_funding", product, True, "")])
    prospect(firm, marketing, source=source(firm, name=HOSTILE))
    report = governance.create_report(firm=firm, by=manager, provider=provider, start=datetime.date(2026, 1, 1),
                                      end=datetime.date(2026, 3, 31))
    exports = {
        "distributor report": login(manager).get(reverse("governance:report_csv", args=[report.pk])),
        "marketing report": login(marketing).get(reverse("prospects:report_csv"),
                                                 {"start": "2026-01-01", "end": "2026-12-31"}),
        "quality dashboard": login(manager).get(reverse("quality:export_csv")),
    }
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(reverse("core:audit_export"))
    job = BackgroundJob.objects.get(kind="audit_export")
    exports["audit log"] = login(manager).get(reverse("core:job_download", args=[job.pk]))
    found = {}
    for name, response in exports.items():
        assert response.status_code == 200, name
        content = b"".join(response.streaming_content) if response.streaming else response.content
        cells = _cells(content)
        found[name] = _unsafe(cells)
        if name in ("distributor report", "marketing report", "audit log"):
            assert any(HOSTILE in cell for cell in cells), f"{name}: the hostile text is not in the export at all"
    assert found == {name: [] for name in exports}
