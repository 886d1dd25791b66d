import itertools

from klantbelang.accounts.tests.factories import member
from klantbelang.core.tests.matrix import VALIDATED_FIRST
from klantbelang.prospects import services
from klantbelang.prospects.tests.factories import GOOD_CHECK, prospect, source, stage


def _prospect(firm, user):
    return prospect(firm, member(firm, "marketing"))


NUMBERS = itertools.count(1)


def _campaign(firm, user):
    import datetime

    by = member(firm, "marketing")
    return services.save_campaign(firm=firm, by=by, fields={
        "name": f"Voorjaar {next(NUMBERS)}", "source": source(firm), "target_group": "",
        "starts_on": datetime.date(2026, 3, 1), "ends_on": None, "cost": 100})


URL_OBJECTS = {
    **{f"prospects:{name}": lambda firm, user: (item := _prospect(firm, user), {"pk": item.pk})
       for name in ("detail", "edit", "move", "relationship_check", "log_time", "assign", "override", "record_end",
                    "fit_exception")},
    "prospects:source_edit": lambda firm, user: (item := source(firm), {"pk": item.pk}),
    "prospects:campaign_edit": lambda firm, user: (item := _campaign(firm, user), {"pk": item.pk}),
}


def _with(body):
    return lambda firm, user: (item := _prospect(firm, user), {"prospect_id": item.pk}, body(firm, item))


API_OBJECTS = {
    ("GET", "/api/v1/prospects/{prospect_id}"): _with(lambda firm, item: None),
    ("PATCH", "/api/v1/prospects/{prospect_id}"): _with(lambda firm, item: {"edit_version": item.edit_version,
                                                                             "phone": "0612345678"}),
    ("POST", "/api/v1/prospects/{prospect_id}/transitions"): _with(
        lambda firm, item: {"stage_id": stage(firm, "qualifying").pk}),
    ("GET", "/api/v1/prospects/{prospect_id}/time-entries"): _with(lambda firm, item: None),
    ("POST", "/api/v1/prospects/{prospect_id}/time-entries"): _with(
        lambda firm, item: {"activity": "call", "minutes": 20, "on": str(item.created_at.date())}),
    ("POST", "/api/v1/prospects/{prospect_id}/relationship-check"): _with(lambda firm, item: GOOD_CHECK),
    ("POST", "/api/v1/prospects/{prospect_id}/assign"): _with(lambda firm, item: {}),
    ("GET", "/api/v1/prospects/{prospect_id}/score"): _with(lambda firm, item: None),
    ("POST", "/api/v1/prospects/{prospect_id}/score-override"): _with(
        lambda firm, item: {"score": 0.5, "reason": "bekende van een klant"}),
    ("POST", "/api/v1/prospects/{prospect_id}/fit-exception"): _with(
        lambda firm, item: {"reason": "Vaste klant van een collega-kantoor"}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "prospects:assign": "admin adviser manager marketing",
    "prospects:board": "admin adviser manager marketing",
    "prospects:campaign_edit": "admin manager marketing",
    "prospects:create": "admin adviser manager marketing",
    "prospects:detail": "admin adviser manager marketing",
    "prospects:edit": "admin adviser manager marketing",
    "prospects:list": "admin adviser manager marketing",
    "prospects:log_time": "admin adviser manager marketing",
    "prospects:model": "admin adviser manager marketing",
    "prospects:move": "admin adviser manager marketing",
    "prospects:override": "admin adviser manager marketing",
    "prospects:fit_exception": "admin manager",
    "prospects:record_end": "admin adviser manager marketing",
    "prospects:relationship_check": "admin adviser manager marketing",
    "prospects:report": "admin manager marketing",
    "prospects:report_csv": "admin manager marketing",
    "prospects:rescore": "admin manager marketing",
    "prospects:settings": "admin manager marketing",
    "prospects:source_edit": "admin manager marketing",
    "prospects:sources": "admin manager marketing",
    "prospects:train": "admin manager marketing",
    ("GET", "/api/v1/campaigns"): "admin adviser manager marketing",
    ("GET", "/api/v1/lost-reasons"): "admin adviser manager marketing",
    ("GET", "/api/v1/prospect-sources"): "admin adviser manager marketing",
    ("GET", "/api/v1/prospect-stages"): "admin adviser manager marketing",
    ("GET", "/api/v1/prospects"): "admin adviser manager marketing",
    ("GET", "/api/v1/prospects/report"): "admin manager marketing",
    ("GET", "/api/v1/prospects/{prospect_id}"): "admin adviser manager marketing",
    ("GET", "/api/v1/prospects/{prospect_id}/score"): "admin adviser manager marketing",
    ("GET", "/api/v1/prospects/{prospect_id}/time-entries"): "admin adviser manager marketing",
    ("GET", "/api/v1/scoring-model"): "admin adviser manager marketing",
    ("PATCH", "/api/v1/prospects/{prospect_id}"): "admin adviser manager marketing",
    ("POST", "/api/v1/campaigns"): VALIDATED_FIRST,
    ("POST", "/api/v1/prospect-sources"): VALIDATED_FIRST,
    ("POST", "/api/v1/prospects"): VALIDATED_FIRST,
    ("POST", "/api/v1/prospects/{prospect_id}/assign"): "admin adviser manager marketing",
    ("POST", "/api/v1/prospects/{prospect_id}/relationship-check"): "adviser manager",
    ("POST", "/api/v1/prospects/{prospect_id}/score-override"): "admin adviser manager marketing",
    ("POST", "/api/v1/prospects/{prospect_id}/fit-exception"): "admin manager",
    ("POST", "/api/v1/prospects/{prospect_id}/time-entries"): "admin adviser manager marketing",
    ("POST", "/api/v1/prospects/{prospect_id}/transitions"): "admin adviser manager marketing",
    ("POST", "/api/v1/scoring-model/rescore"): "admin manager marketing",
    ("POST", "/api/v1/scoring-model/train"): "admin manager marketing",
}
