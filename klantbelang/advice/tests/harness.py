from klantbelang.accounts.tests.factories import member
from klantbelang.advice import services
from klantbelang.advice.models import AdviceVersion
from klantbelang.clients.tests.factories import household
from klantbelang.core.tests.matrix import VALIDATED_FIRST

from .factories import READY


def _case(firm, user):
    adviser = member(firm, "adviser")
    return services.open_case(client=household(firm, adviser), by=adviser, domains=["investment"],
                              reason="first_advice")


def _version(firm, user):
    case = _case(firm, user)
    return AdviceVersion.objects.create(case=case, number=1, snapshot=services.snapshot(case), released_by=case.lead)


def _case_with_need(firm, user):
    adviser = member(firm, "adviser")
    case = services.open_case(client=household(firm, adviser, data=READY), by=adviser, domains=["investment"],
                              reason="first_advice")
    return case, {"pk": case.pk, "need_type": services.needs_in_scope(case)[0]["type"]}


def _client(firm, user):
    return household(firm, member(firm, "adviser"))


CASE_URLS = ["case_detail", "case_move", "case_team", "recommendation_save", "review", "case_note", "case_task",
             "case_time"]
URL_OBJECTS = {f"advice:{name}": lambda firm, user: (case := _case(firm, user), {"pk": case.pk}) for name in CASE_URLS}
URL_OBJECTS.update({
    "advice:case_create": lambda firm, user: (client := _client(firm, user), {"client_pk": client.pk}),
    "advice:case_match": _case_with_need,
    **{f"advice:{name}": lambda firm, user: (version := _version(firm, user), {"pk": version.pk})
       for name in ("report", "report_pdf", "respond")},
})

API_OBJECTS = {
    ("GET", "/api/v1/cases/{case_id}"): lambda firm, user: (case := _case(firm, user), {"case_id": case.pk}),
    ("POST", "/api/v1/cases/{case_id}/move"): lambda firm, user: (
        case := _case(firm, user), {"case_id": case.pk}, {"to": "inventory"}),
    ("POST", "/api/v1/cases/{case_id}/recommendations"): lambda firm, user: (
        case := _case(firm, user), {"case_id": case.pk}, {"need_type": "x", "no_product": True, "rationale": "x"}),
    ("GET", "/api/v1/cases/{case_id}/recommendations"): lambda firm, user: (
        case := _case(firm, user), {"case_id": case.pk}),
    ("POST", "/api/v1/cases/{case_id}/reviews"): lambda firm, user: (
        case := _case(firm, user), {"case_id": case.pk}, {"outcome": "approved"}),
    ("POST", "/api/v1/cases/{case_id}/time"): lambda firm, user: (
        case := _case(firm, user), {"case_id": case.pk}, {"activity": "meeting", "minutes": 5, "on": "2026-11-01"}),
    ("GET", "/api/v1/advice-versions/{version_id}"): lambda firm, user: (
        version := _version(firm, user), {"version_id": version.pk}),
    ("GET", "/api/v1/advice-versions/{version_id}/report.pdf"): lambda firm, user: (
        version := _version(firm, user), {"version_id": version.pk}),
    ("POST", "/api/v1/advice-versions/{version_id}/responses"): lambda firm, user: (
        version := _version(firm, user), {"version_id": version.pk}, {"kind": "accepted"}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "advice:case_create": "admin manager",
    "advice:case_detail": "admin manager reviewer",
    "advice:case_list": "admin adviser manager reviewer",
    "advice:case_match": "admin manager reviewer",
    "advice:case_move": "admin manager",
    "advice:case_note": "admin manager reviewer",
    "advice:case_task": "admin manager reviewer",
    "advice:case_team": "admin manager",
    "advice:case_time": "admin manager reviewer",
    "advice:portal": "",
    "advice:recommendation_save": "admin manager reviewer",
    "advice:report": "admin manager reviewer",
    "advice:report_pdf": "admin manager reviewer",
    "advice:respond": "",
    "advice:review": "reviewer",
    ("GET", "/api/v1/advice-versions/{version_id}"): "admin manager reviewer",
    ("GET", "/api/v1/advice-versions/{version_id}/report.pdf"): "admin manager reviewer",
    ("GET", "/api/v1/cases"): "admin adviser client manager marketing product_developer reviewer",
    ("GET", "/api/v1/cases/{case_id}"): "admin manager reviewer",
    ("GET", "/api/v1/cases/{case_id}/recommendations"): "admin manager reviewer",
    ("POST", "/api/v1/advice-versions/{version_id}/responses"): "",
    ("POST", "/api/v1/cases"): VALIDATED_FIRST,
    ("POST", "/api/v1/cases/{case_id}/move"): "admin manager",
    ("POST", "/api/v1/cases/{case_id}/recommendations"): "admin manager",
    ("POST", "/api/v1/cases/{case_id}/reviews"): "reviewer",
    ("POST", "/api/v1/cases/{case_id}/time"): "admin manager reviewer",
}
