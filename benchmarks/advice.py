"""Advice report generation: the PDF (WeasyPrint) and the HTML of a released advice with six
needs, each with a recommendation, alternatives and reasons. Median and p95 of 30 runs each.

Prints a JSON object as its last line.
"""

import json
import statistics

from _setup import setup_django, timed

setup_django()

from klantbelang.accounts.models import Membership, User
from klantbelang.advice.models import AdviceCase, AdviceVersion
from klantbelang.advice.views import _report_context, render_report_pdf
from klantbelang.clients.services import create_client
from klantbelang.core.models import Firm
from django.template.loader import render_to_string
from django.utils import translation

NEEDS = ["emergency_buffer", "income_protection", "death_cover", "pension_gap", "liability_cover", "goal_funding"]
RUNS = 30

firm, _ = Firm.objects.get_or_create(slug="bench-advice", defaults={"name": "Bench Advies"})
adviser = User.objects.filter(email="adviser@bench.nl").first() or User.objects.create_user(
    email="adviser@bench.nl", password="x", full_name="Anna Adviseur")
Membership.objects.get_or_create(user=adviser, firm=firm, role="adviser")
client = create_client(firm=firm, by=None, name="Huishouden Jansen", responsible_adviser=adviser, persons=[
    {"role": "client", "first_name": "Jan", "last_name": "Jansen"},
    {"role": "partner", "first_name": "Els", "last_name": "Jansen"}])
case = AdviceCase.objects.create(firm=firm, client=client, title="Advies voor Huishouden Jansen",
                                 reason="first_advice", domains=["investment", "pension", "life", "non_life"],
                                 profile=client.current_profile, lead=adviser)
recommendations = [{
    "need_type": need, "no_product": False,
    "product": {"code": f"NL00000000{index}", "name": f"Voorbeeldproduct {index}", "provider": "Polderzekerheid",
                "category": "investment_fund", "sri": 3},
    "rationale": "Past bij de doelen, het risicoprofiel en de horizon van het huishouden; lage lopende kosten. " * 3,
    "alternatives": [{"code": f"ALT{index}{rank}", "name": f"Alternatief {rank}", "score": 0.8, "eligible": True}
                     for rank in range(5)],
    "verdicts": {}, "reasons": [{"axis": "objectives", "code": "objectives_unspecified",
                                 "text_nl": "De doelgroep noemt de doelstelling niet.",
                                 "text_en": "The target market does not name the objective."}],
    "eligible": True, "disadvantages": "De waarde kan dalen; de premie kan stijgen.", "one_off_cost": "0.00",
    "yearly_cost": "240.00", "horizon_years": 10, "total_cost": "2400.00", "replacement_note": "",
    "deviation_reason": "", "sustainability_adaptation": ""} for index, need in enumerate(NEEDS)]
needs = [{"type": need, "domain": "investment", "priority": "need", "amount": 10000,
          "reason_nl": "Reden in het Nederlands.", "reason_en": "Reason in English."} for need in NEEDS]
version = AdviceVersion.objects.create(case=case, number=1, released_by=adviser, snapshot={
    "client": {"name": client.name, "reference": client.reference, "persons": ["Jan Jansen", "Els Jansen"]},
    "firm": firm.name, "title": case.title, "domains": case.domains, "profile_version": 1,
    "objectives": [{"type": "build_wealth", "horizon_years": 10, "target_amount": 50000}], "needs": needs,
    "sustainability": {"taxonomy_min_pct": 10, "sfdr_sustainable_min_pct": 20, "pai": True}, "derived": {},
    "recommendations": recommendations, "review": {"reviewer": "Rita Reviewer", "at": "2026-11-26T10:00:00"},
    "sampling": "required", "fee": {"model": "fixed", "hours": "6.50", "estimated": "1450", "actual": "1450"}})

with translation.override("nl"):
    render_report_pdf(version)  # warm fonts and templates
    pdf = timed(lambda: render_report_pdf(version), RUNS)
    html = timed(lambda: render_to_string("advice/report.html", _report_context(version)), RUNS)


def p95(samples):
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 1)


print(json.dumps({
    "needs": len(NEEDS), "runs": RUNS,
    "pdf_ms_median": round(statistics.median(pdf) * 1000, 1), "pdf_ms_p95": p95(pdf),
    "html_ms_median": round(statistics.median(html) * 1000, 1), "html_ms_p95": p95(html),
    "pdf_bytes": len(render_report_pdf(version)),
}))
