import pytest
from django.db import DatabaseError, transaction

from klantbelang.core.audit import diff, record_audit
from klantbelang.core.models import AuditEvent
from klantbelang.core.request_context import current_request_id


def test_record_audit_writes_who_what_and_the_changes(firm, adviser):
    token = current_request_id.set("req-1234abcd")
    try:
        event = record_audit(actor=adviser, action="firm.renamed", obj=firm,
                             changes=diff({"name": "Oud"}, {"name": "Demo Advies"}))
    finally:
        current_request_id.reset(token)
    event.refresh_from_db()
    assert event.firm == firm
    assert event.actor == adviser
    assert event.actor_label == "adviser@test.nl"
    assert event.object_type == "core.firm"
    assert event.object_id == str(firm.pk)
    assert event.object_label == "Demo Advies"
    assert event.changes == {"name": {"before": "Oud", "after": "Demo Advies"}}
    assert event.request_id == "req-1234abcd"


def test_system_actions_are_recorded_as_system(firm):
    event = record_audit(actor=None, action="import.finished", obj=firm)
    assert (event.actor, event.actor_label, event.request_id) == (None, "system", "")


def test_diff_keeps_only_changed_fields_as_json():
    import datetime
    import decimal

    assert diff({"a": 1, "b": decimal.Decimal("2.50"), "c": None},
                {"a": 1, "b": decimal.Decimal("3.00"), "c": datetime.date(2026, 1, 2)}) == {
        "b": {"before": "2.50", "after": "3.00"},
        "c": {"before": None, "after": "2026-01-02"},
    }


def _event(firm, adviser):
    return record_audit(actor=adviser, action="test.done", obj=firm, changes={"x": {"before": 1, "after": 2}})


def test_an_audit_event_cannot_be_updated(firm, adviser):
    event = _event(firm, adviser)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
    event.action = "test.forged"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    event.refresh_from_db()
    assert event.action == "test.done"


def test_an_audit_event_cannot_be_deleted(firm, adviser):
    event = _event(firm, adviser)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_audit_event_disappears_with_the_change_it_records(firm, adviser):
    """Written in the same transaction: a failed change leaves no event behind."""
    before = AuditEvent.objects.count()

    def failing_service():
        with transaction.atomic():
            firm.name = "Nieuw"
            firm.save()
            _event(firm, adviser)
            raise RuntimeError("the service failed after writing")

    with pytest.raises(RuntimeError):
        failing_service()
    firm.refresh_from_db()
    assert firm.name == "Demo Advies"
    assert AuditEvent.objects.count() == before


def test_audit_events_are_visible_to_managers_and_admins_of_their_firm_only(
    firm, other_firm, adviser, manager, admin_user, reviewer, other_firm_adviser
):
    ours = _event(firm, adviser)
    theirs = _event(other_firm, other_firm_adviser)
    assert list(AuditEvent.objects.visible_to(manager)) == [ours]
    assert list(AuditEvent.objects.visible_to(admin_user)) == [ours]
    assert list(AuditEvent.objects.visible_to(adviser)) == []
    assert list(AuditEvent.objects.visible_to(reviewer)) == []
    assert theirs.firm == other_firm
