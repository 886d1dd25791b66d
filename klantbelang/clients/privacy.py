"""A client's rights under the AVG/GDPR, carried out by the firm.

* **Access and portability** (art. 15, 20): ``client_data`` gathers everything stored about a
  household — found by following every relation that points at the client, so a table added later
  is in the export without anyone remembering it — plus the portal user's dialogue and the audit
  events about the client. ``summary_pdf`` prints the readable summary.
* **Consent for marketing contact**: ``record_consent`` appends a decision; ``current_consents``
  says what applies now.
* **Erasure** (art. 17): ``erase`` removes what the law lets go at once and keeps the advice files
  — which the firm must keep — read-only until a retention end date; ``purge`` (``manage.py
  purge_retention``, daily) deletes households whose date has passed. Without advice files the
  household is deleted at once. The audit log is kept: it is the firm's legal accountability.
"""

import datetime
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.core.audit import record_audit
from klantbelang.core.dates import years_later
from klantbelang.core.errors import Conflict
from klantbelang.core.models import AuditEvent
from klantbelang.core.roles import Role

from .models import Client, Consent
from .permissions import can_edit_profile

# How far the export follows relations away from the client (client → case → version → item).
DEPTH = 4
# Internal bookkeeping rather than data about the client; never leaves in an export.
LEFT_OUT_FIELDS = {"edit_version", "missing_mask", "password"}


def can_handle_request(*, user, client) -> bool:
    """Export and erasure are handled by management and administrators; a client may export their
    own household in the portal."""
    if not user.is_authenticated or user.firm != client.firm:
        return False
    return user.has_any_role({Role.MANAGER, Role.ADMIN})


def can_export(*, user, client) -> bool:
    return can_handle_request(user=user, client=client) or (
        client.portal_user_id == user.pk and user.has_role(Role.CLIENT))


def can_record_consent(*, user, client) -> bool:
    return can_edit_profile(user=user, client=client)


def can_view(*, user, client) -> bool:
    """The privacy page and the consents: whoever may export or record consent."""
    return can_export(user=user, client=client) or can_record_consent(user=user, client=client)


def _own_app(model) -> bool:
    return model._meta.app_label in {config.label for config in apps.get_app_configs()
                                     if config.name.startswith("klantbelang.")}


def _serialised(queryset) -> dict[int, dict]:
    rows = {}
    for row in serializers.serialize("python", queryset):
        rows[row["pk"]] = {"id": row["pk"], **{name: value for name, value in row["fields"].items()
                                               if name not in LEFT_OUT_FIELDS}}
    return rows


def _related(client: Client) -> dict[str, dict[int, dict]]:
    """Every row reachable from the client over relations that point towards it, per model."""
    found: dict[str, dict[int, dict]] = {}
    frontier = [(Client, [client.pk])]
    for _depth in range(DEPTH):
        following = []
        for model, pks in frontier:
            for relation in model._meta.related_objects:
                related = relation.related_model
                if relation.many_to_many or not _own_app(related) or related is Client:
                    continue
                rows = _serialised(related._default_manager.filter(**{f"{relation.field.name}__in": pks}))
                known = found.setdefault(related._meta.label, {})
                new = [pk for pk in rows if pk not in known]
                known.update(rows)
                if new:
                    following.append((related, new))
        frontier = following
    return {label: rows for label, rows in found.items() if rows}


def client_data(client: Client) -> dict:
    """Everything klantbelang stores about the household, as JSON-ready data."""
    related = _related(client)
    own = next(iter(_serialised(Client.objects.filter(pk=client.pk)).values()))
    data = {
        "exported_at": timezone.now(),
        "firm": client.firm.name,
        "client": own,
        "records": {label: sorted(rows.values(), key=lambda row: row["id"]) for label, rows in sorted(related.items())},
        "consents": current_consents(client),
        "audit_events": list(AuditEvent.objects.filter(firm=client.firm, object_type="clients.client",
                                                       object_id=str(client.pk))
                             .order_by("created_at", "pk")
                             .values("created_at", "actor_label", "action", "changes")),
    }
    if client.portal_user_id:
        from klantbelang.governance.models import Contribution, DialogueOptIn

        user = client.portal_user
        data["portal_account"] = {"email": user.email, "full_name": user.full_name, "last_login": user.last_login}
        data["dialogue"] = {
            "opted_in": DialogueOptIn.objects.filter(user=user).values("opted_in_at", "show_name").first(),
            "contributions": list(Contribution.objects.filter(participant__user=user)
                                  .values("topic__title", "kind", "text", "created_at")),
        }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def export(*, client: Client, by, kind: str) -> dict:
    """``client_data`` for someone allowed to have it; the export itself is audited."""
    if not can_export(user=by, client=client):
        raise PermissionDenied
    data = client_data(client)
    record_audit(actor=by, action="client.data_exported", obj=client, changes={"format": {"after": kind}})
    return data


def summary(data: dict) -> list[tuple[str, int]]:
    """(kind of record, number) for the PDF and the privacy page."""
    names = {model._meta.label: str(model._meta.verbose_name_plural) for model in apps.get_models()}
    return [(names.get(label, label), len(rows)) for label, rows in data["records"].items()]


def current_consents(client: Client) -> list[dict]:
    """The decision that applies per marketing purpose (none recorded = no consent)."""
    latest = {}
    for consent in client.consents.select_related("recorded_by").order_by("-recorded_at", "-pk"):
        latest.setdefault(consent.purpose, consent)
    return [{"purpose": purpose, "label": str(label), "given": latest[purpose].given if purpose in latest else False,
             "channel": latest[purpose].channel if purpose in latest else None,
             "recorded_at": latest[purpose].recorded_at if purpose in latest else None}
            for purpose, label in Consent.Purpose.choices]


@transaction.atomic
def record_consent(*, client: Client, by, purpose: str, given: bool, channel: str) -> Consent:
    portal = client.portal_user_id == by.pk
    if not (portal or can_record_consent(user=by, client=client)):  # an erased household is read-only
        raise PermissionDenied
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": _("Choose one of the purposes.")})
    allowed = {Consent.Channel.PORTAL} if portal else set(Consent.Channel.values) - {
        Consent.Channel.PORTAL, Consent.Channel.ERASURE}
    if channel not in allowed:
        raise ValidationError({"channel": _("Choose how the client gave or withdrew consent.")})
    consent = Consent.objects.create(client=client, purpose=purpose, given=given, channel=channel, recorded_by=by)
    record_audit(actor=by, action="client.consent_recorded", obj=client,
                 changes={purpose: {"after": given}, "channel": {"after": channel}})
    return consent


def _retained_until(today: datetime.date) -> datetime.date:
    return years_later(today, settings.ADVICE_RETENTION_YEARS)


@transaction.atomic
def erase(*, client: Client, by, reason: str, today: datetime.date | None = None) -> Client | None:
    """Carry out an erasure request. Returns the kept (anonymised) client, or None when nothing had
    to be kept and the household is gone."""
    if not can_handle_request(user=by, client=client):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say whose request this is and how it was verified.")})
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.erased_at:
        raise Conflict(_("This client's data was already erased."))
    today = today or timezone.localdate()
    keep = client.advice_cases.exists()
    record_audit(actor=by, action="client.erased", obj=client,
                 changes={"reason": {"after": reason.strip()[:500]},
                          "retain_until": {"after": _retained_until(today).isoformat() if keep else None}})
    _end_portal_access(client)
    if not keep:
        client.delete()
        return None
    for purpose in {consent.purpose for consent in client.consents.all()}:
        Consent.objects.create(client=client, purpose=purpose, given=False, channel=Consent.Channel.ERASURE,
                               recorded_by=by)
    client.persons.update(email="", phone="", vulnerability_note="")
    client.postcode = ""  # where they live is contact data; the advice files do not need it
    client.erased_at = timezone.now()
    client.retain_until = _retained_until(today)
    client.save(update_fields=["postcode", "erased_at", "retain_until"])
    return client


def _end_portal_access(client: Client) -> None:
    """The portal account goes: signed out everywhere, no password, no name or address, no dialogue
    choice. Its earlier dialogue contributions stay, under their pseudonym."""
    user = client.portal_user
    if user is None:
        return
    from klantbelang.accounts.models import ApiToken, User
    from klantbelang.governance.models import DialogueOptIn

    DialogueOptIn.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    User.objects.filter(pk=user.pk).update(email=f"erased-{user.pk}@erased.invalid", full_name="",
                                           password=make_password(None), is_active=False,
                                           session_version=F("session_version") + 1)
    client.portal_user = None
    client.save(update_fields=["portal_user"])


def purge(*, today: datetime.date | None = None) -> int:
    """Delete the erased households whose retention ended; one audit event each (no names)."""
    today = today or timezone.localdate()
    purged = 0
    for client in Client.objects.filter(retain_until__lt=today).select_related("firm"):
        with transaction.atomic():
            AuditEvent.objects.create(firm=client.firm, actor=None, actor_label="system", action="client.purged",
                                      object_type="clients.client", object_id=str(client.pk),
                                      object_label=client.reference,
                                      changes={"retain_until": {"before": client.retain_until.isoformat()}})
            # Advice files first: a file protects the profile version it was based on.
            client.advice_cases.all().delete()
            client.delete()
        purged += 1
    return purged
