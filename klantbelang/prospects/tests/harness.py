from klantbelang.accounts.tests.factories import member
from klantbelang.prospects import services
from klantbelang.prospects.tests.factories import GOOD_CHECK, prospect, source, stage


def _prospect(firm, user):
    return prospect(firm, member(firm, "marketing"))


def _campaign(firm, user):
    import datetime

    by = member(firm, "marketing")
    return services.save_campaign(firm=firm, by=by, fields={
        "name": "Voorjaar", "source": source(firm), "target_group": "", "starts_on": datetime.date(2026, 3, 1),
        "ends_on": None, "cost": 100})


URL_OBJECTS = {
    **{f"prospects:{name}": lambda firm, user: (item := _prospect(firm, user), {"pk": item.pk})
       for name in ("detail", "edit", "move", "relationship_check", "log_time", "assign", "override", "record_end")},
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
}
