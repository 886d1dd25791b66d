from klantbelang.accounts.tests.factories import member
from klantbelang.quality.tests.factories import moment, released

URL_OBJECTS = {
    "quality:file_check": lambda firm, user: (
        case := released(firm, member(firm, "adviser"), at=moment(2026, 10, 5)), {"case_pk": case.pk}),
}
