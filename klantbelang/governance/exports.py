"""A distributor report as JSON (schema in ``reports``), CSV and PDF; the same for the firm and for
the manufacturer's product developers, who only reach reports that were sent to them."""

import csv

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from klantbelang.core.spreadsheets import safe_cell


def as_json(report) -> JsonResponse:
    response = JsonResponse({**report.data, "sent_at": report.sent_at.isoformat() if report.sent_at else None,
                             "responses": [{"item": item.item, "text": item.text, "recorded_at":
                                            item.recorded_at.isoformat()} for item in report.responses.all()]},
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="distributor-report-{report.pk}.json"'
    return response


def as_csv(report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="distributor-report-{report.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["item", "what", "advised", "within_target", "outside_target", "review_findings", "signals",
                     "clients", "deviation_reasons", "responses"])
    answers: dict = {}
    for item in report.responses.all():
        answers.setdefault(item.item, []).append(item.text)
    shown = lambda value: "" if value is None else value  # noqa: E731 - suppressed cells stay empty
    for product in report.data["products"]:
        writer.writerow([product["item"], safe_cell(f"{product['code']} {product['name']}"),
                         shown(product["advised"]), shown(product["within_target"]), shown(product["outside_target"]),
                         shown(product["review_findings"]), "", "", safe_cell(" | ".join(product["deviation_reasons"])),
                         safe_cell(" | ".join(answers.get(product["item"], [])))])
    for signal in report.data["signals"]:
        writer.writerow([signal["item"], f"{signal['category']} ({signal['source']})", "", "", "", "",
                         shown(signal["signals"]), shown(signal["clients"]), "",
                         safe_cell(" | ".join(answers.get(signal["item"], [])))])
    for need in report.data["unmet_needs"]:
        writer.writerow([need["item"], f"{need['need_type']} / {need['segment']}", "", "", "", "", "",
                         need["clients"], "", safe_cell(" | ".join(answers.get(need["item"], [])))])
    return response


def as_pdf(request, report) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string("governance/report_print.html", {"report": report, "data": report.data},
                            request=request)
    response = HttpResponse(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="distributor-report-{report.pk}.pdf"'
    return response
