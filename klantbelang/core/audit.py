"""Writing the audit trail.

Services call ``record_audit`` inside their own transaction, so an event exists exactly when the
change it describes was committed. Events are append-only; see ``append_only_sql``.
"""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from .immutable import immutable_sql
from .models import AuditEvent, Firm
from .request_context import current_request_id


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def field_values(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of ``fields`` (foreign keys as their id), for a before/after diff."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value changed, as ``{field: {"before": …, "after": …}}``."""
    return {
        key: {"before": _jsonable(before.get(key)), "after": _jsonable(after.get(key))}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record_audit(
    *,
    actor,
    action: str,
    obj: models.Model,
    firm: Firm | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the change it records.

    ``firm`` defaults to ``obj.firm`` (every firm-owned model has one) or, for a firm itself, the
    object. ``actor`` may be None for system work (imports by command, scheduled tasks).
    """
    if firm is None:
        firm = obj if isinstance(obj, Firm) else getattr(obj, "firm", None)
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.get_username()
    else:
        actor = None
    return AuditEvent.objects.create(
        firm=firm,
        actor=actor,
        actor_label=actor_label or "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:200],
        changes=_jsonable(changes or {}),
        request_id=current_request_id.get(),
    )


def record_audits(*, actor, firm: Firm, entries: list[tuple[str, models.Model, dict]]) -> int:
    """Append many audit events at once (imports): ``entries`` are (action, object, changes).
    Same rules as ``record_audit``; call inside the transaction of the changes."""
    actor_label = actor.get_username() if actor is not None and actor.is_authenticated else "system"
    actor = actor if actor_label != "system" else None
    request_id = current_request_id.get()
    events = [
        AuditEvent(firm=firm, actor=actor, actor_label=actor_label, action=action,
                   object_type=obj._meta.label_lower, object_id=str(obj.pk), object_label=str(obj)[:200],
                   changes=_jsonable(changes), request_id=request_id)
        for action, obj, changes in entries
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def append_only_sql(vendor: str, *, install: bool) -> list[str]:
    """SQL that makes the audit table reject UPDATE and DELETE (or lifts that, to migrate back)."""
    return immutable_sql(AuditEvent._meta.db_table, vendor, operations=("UPDATE", "DELETE"), install=install,
                         message="audit events are append-only")
