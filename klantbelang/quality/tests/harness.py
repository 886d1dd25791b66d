from klantbelang.accounts.tests.factories import member
from klantbelang.quality.tests.factories import moment, released

URL_OBJECTS = {
    "quality:file_check": lambda firm, user: (
        case := released(firm, member(firm, "adviser"), at=moment(2026, 10, 5)), {"case_pk": case.pk}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "quality:dashboard": "admin adviser manager",
    "quality:export_csv": "admin adviser manager",
    "quality:export_pdf": "admin adviser manager",
    "quality:file_check": "",
    "quality:files": "admin adviser manager",
    "quality:goals": "admin manager",
    "quality:module": "",
    "quality:refresh": "admin manager",
    ("GET", "/api/v1/quality/dashboard"): "admin adviser manager",
    ("POST", "/api/v1/quality/refresh"): "admin manager",
}
