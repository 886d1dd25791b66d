"""Writing client data: every change goes through here and writes its audit event."""

import datetime
import re
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klantbelang.accounts.models import Membership, User
from klantbelang.accounts.services import set_password_url
from klantbelang.core.audit import diff, field_values, record_audit
from klantbelang.core.errors import Conflict, InvalidTransition
from klantbelang.core.roles import Role

from .completeness import DOMAINS, contradictions, missing_for
from .models import Client, ClientNumber, NeedsProfile, Person, ProfileConfirmation, domain_mask
from .permissions import can_create_client, can_edit_profile, can_invite_client, can_replan
from .profile_data import derive, empty_profile, flatten, merge
from .profile_schema import problems
from .queries import planned_needs, planned_needs_of_book

PERSON_FIELDS = ["role", "first_name", "last_name", "date_of_birth", "email", "phone", "relationship_status",
                 "employment", "is_vulnerable", "vulnerability_note", "vulnerability_consent_at"]


def _advance(firm) -> int:
    """The sequence's next number. The UPDATE takes the row lock, so simultaneous creates queue
    behind each other instead of reading the same number. The first number of a firm starts after
    its number of households (those made before the sequence, or with a number of their own)."""
    with transaction.atomic():
        if ClientNumber.objects.filter(firm=firm).update(last=F("last") + 1):
            return ClientNumber.objects.get(firm=firm).last
    try:
        with transaction.atomic():
            return ClientNumber.objects.create(firm=firm, last=Client.objects.filter(firm=firm).count() + 1).last
    except IntegrityError:  # another create made the row first: take the next number after theirs
        return _advance(firm)


def _next_reference(firm) -> str:
    """K + six digits from the firm's sequence, skipping numbers a household already holds (an
    imported or hand-given number)."""
    while True:
        reference = f"K{_advance(firm):06d}"
        if not Client.objects.filter(firm=firm, reference=reference).exists():
            return reference


DUTCH_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
BELGIAN_POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
UNUSED_DUTCH_LETTERS = {"SA", "SD", "SS"}  # PostNL does not issue these letter pairs


def normal_postcode(value: str) -> str:
    """A Dutch postcode as "1234 AB", a Belgian one as "1000", nothing as ""; anything else is a
    ValidationError on the postcode."""
    text = " ".join((value or "").upper().split())
    if not text:
        return ""
    dutch = DUTCH_POSTCODE.match(text)
    if dutch and dutch.group(2) not in UNUSED_DUTCH_LETTERS:
        return f"{dutch.group(1)} {dutch.group(2)}"
    if BELGIAN_POSTCODE.match(text):
        return text
    raise ValidationError({"postcode": _("Enter a Dutch postcode (1234 AB) or a Belgian one (1000).")})


@transaction.atomic
def create_client(*, firm, by, name: str, responsible_adviser: User, persons: list[dict], team=None,
                  reference: str = "", postcode: str = "", today: datetime.date | None = None) -> Client:
    """A new household with its persons and profile version 1. ``by`` None: system (demo, import)."""
    if by is not None and not (can_create_client(user=by) and by.firm == firm):
        raise PermissionDenied
    if responsible_adviser.firm != firm or not responsible_adviser.has_role(Role.ADVISER):
        raise ValidationError({"responsible_adviser": _("Choose an adviser of this firm.")})
    if team is not None and team.firm_id != firm.pk:
        raise ValidationError({"team": _("That team belongs to another firm.")})
    if not any(person.get("role") == "client" for person in persons):
        raise ValidationError({"persons": _("A household needs one person in the role of client.")})
    check_birth_dates(persons, today=today or timezone.localdate())
    if reference and Client.objects.filter(firm=firm, reference=reference).exists():
        raise ValidationError({"reference": _("Another household already has this client number.")})
    postcode = normal_postcode(postcode)
    client = Client.objects.create(firm=firm, name=name, reference=reference or _next_reference(firm),
                                   responsible_adviser=responsible_adviser, team=team, postcode=postcode)
    for fields in persons:
        Person.objects.create(client=client, **fields)
    record_audit(actor=by, action="client.created", obj=client,
                 changes={"name": {"before": None, "after": name},
                          "responsible_adviser": {"before": None, "after": responsible_adviser.pk},
                          **({"postcode": {"before": None, "after": postcode}} if postcode else {})})
    _new_version(client=client, data=empty_profile(), by=by, source=NeedsProfile.Source.ADVISER,
                 previous=None, today=today)
    return client


EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
REPLAN_CHUNK = 500
ADULT_ROLES = {Person.Role.CLIENT, Person.Role.PARTNER}


def check_birth_dates(persons: list[dict], *, today: datetime.date) -> None:
    """A date of birth in the future or before 1900, or a child older than a parent, cannot be right:
    the plan would be built on it. Raises ValidationError on the date of birth."""
    for person in persons:
        born = person.get("date_of_birth")
        if born is None:
            continue
        if born > today:
            raise ValidationError({"date_of_birth": _("A date of birth cannot lie in the future.")})
        if born < EARLIEST_BIRTH_DATE:
            raise ValidationError({"date_of_birth": _("A date of birth before 1900 cannot be right.")})
    adults = [person["date_of_birth"] for person in persons
              if person.get("role") in ADULT_ROLES and person.get("date_of_birth")]
    children = [person["date_of_birth"] for person in persons
                if person.get("role") == Person.Role.DEPENDANT and person.get("date_of_birth")]
    if adults and children and min(children) <= max(adults):
        raise ValidationError({"date_of_birth": _("A child cannot be older than a parent.")})


def _household(client: Client) -> list[dict]:
    return [person.snapshot() for person in client.persons.order_by("pk")]


def _new_version(*, client: Client, data: dict, by, source: str, previous: NeedsProfile | None,
                 today: datetime.date | None = None, answered_section: str | None = None) -> NeedsProfile | None:
    today = today or timezone.localdate()
    data = merge(data, {"household": _household(client)})
    if answered_section and answered_section not in data["answered_sections"]:
        data["answered_sections"] = [*data["answered_sections"], answered_section]
    before = previous.data if previous else {}
    paths, old_paths = flatten(data), flatten(before)
    changed = sorted(path for path in set(old_paths) | set(paths)
                     if old_paths.get(path) != paths.get(path)) if previous else []
    if previous is not None and not changed:
        return None
    now = timezone.now()
    stamp = {"source": source, "at": now.isoformat(), "by": by.pk if by is not None and by.is_authenticated else None}
    changed_set = set(changed)
    provenance = dict.fromkeys(paths, stamp) if previous is None else {
        path: stamp if path in changed_set else previous.provenance.get(path, stamp) for path in paths}
    missing = {domain: missing_for(data, domain) for domain in DOMAINS}
    needs, planned = planned_needs(client=client, data=data, persons=list(client.persons.all()), today=today)
    profile = NeedsProfile(
        client=client, version=(previous.version + 1) if previous else 1, data=data, provenance=provenance,
        changed_fields=changed, derived={**derive(data), "plan": planned}, needs=needs,
        missing=missing, contradictions=contradictions(data),
        source=source, created_by=by if by is not None and by.is_authenticated else None, created_at=now,
    )
    profile.save(force_insert=True)
    events = [event.get("date") for event in data.get("life_events", []) if event.get("date")]
    client.current_profile = profile
    client.missing_mask = domain_mask(domain for domain, items in missing.items() if items)
    client.last_life_event_on = datetime.date.fromisoformat(max(events)) if events else None
    client.save(update_fields=["current_profile", "missing_mask", "last_life_event_on"])
    record_audit(actor=by, action="profile.version_created", obj=client,
                 changes={path: {"before": old_paths.get(path), "after": paths.get(path)}
                          for path in changed[:200]} if previous else {"version": {"before": None, "after": 1}})
    return profile


def checked(document: dict, *, prefix: str = "changes") -> dict:
    """``document`` when it fits the profile's typed shape (profile_schema); otherwise a
    ValidationError with a message per field path (``changes.knowledge``), and nothing is stored."""
    found = problems(document)
    if found:
        raise ValidationError({f"{prefix}.{path}" if path else prefix: message for path, message in found.items()})
    return document


@transaction.atomic
def save_profile(*, client: Client, by, changes: dict, source: str, based_on_version: int | None = None,
                 answered_section: str | None = None, today: datetime.date | None = None) -> NeedsProfile:
    """Save ``changes`` to the client's profile as a new version (none if nothing changed).

    ``based_on_version`` is the version the editor started from: if someone saved a newer one in
    the meantime, Conflict is raised and nothing is written, so no edit silently overwrites another.
    """
    if not can_edit_profile(user=by, client=client):
        raise PermissionDenied
    client = Client.objects.select_for_update().get(pk=client.pk)
    current = client.current_profile
    if based_on_version is not None and current is not None and current.version != based_on_version:
        raise Conflict(_("%(who)s saved version %(version)s while you were editing; reload to see the changes.")
                       % {"who": current.created_by or _("someone"), "version": current.version})
    if not isinstance(changes, dict):
        raise ValidationError({"changes": _("The changes must be a group of fields.")})
    data = checked(merge(current.data if current else empty_profile(), changes))
    created = _new_version(client=client, data=data, by=by, source=source, previous=current, today=today,
                           answered_section=answered_section)
    return created or current


EMAIL_CHANGE_SALT = "klantbelang.clients.email_change"
EMAIL_CHANGE_DAYS = 7


def _staff_changes_identity(person: Person, email: str | None, by) -> bool:
    """A member of staff replaces an address the person already has. The address is where the
    portal invitation and every message go, so whoever changes it could otherwise become the
    client: such a change waits for the person (from the old address) or a second member of staff."""
    return (bool(person.email) and email is not None
            and email.strip().lower() != person.email.lower() and person.client.portal_user_id != by.pk)


@transaction.atomic
def save_person(*, client: Client, by, fields: dict, person: Person | None = None, base_url: str = "") -> Person:
    """Add or change a person of the household; the profile gets a new version with the household.

    A new e-mail address that staff give for a person who had one is kept as pending (the old one
    stays in force) and a confirmation link goes to the old address: see ``confirm_email_change``."""
    if not can_edit_profile(user=by, client=client):
        raise PermissionDenied
    fields = dict(fields)
    if person is not None:  # as stored: a bound ModelForm has already written its values onto the instance
        person = Person.objects.select_related("client").get(pk=person.pk, client=client)
    if person is not None and _staff_changes_identity(person, fields.get("email"), by):
        pending = fields.pop("email").strip()
        if pending.lower() != person.email_pending.lower():
            person.email_pending, person.email_pending_by = pending, by
            Person.objects.filter(pk=person.pk).update(email_pending=pending, email_pending_by=by)
            record_audit(actor=by, action="person.email_change_requested", obj=person, firm=client.firm,
                         changes={"email_pending": {"before": None, "after": pending}})
            link = base_url.rstrip("/") + reverse("clients:email_confirm", kwargs={
                "token": signing.dumps([person.pk, pending], salt=EMAIL_CHANGE_SALT)})
            old_address = person.email
            transaction.on_commit(lambda: _send_email_change_link(person=person, to=old_address, link=link))
    if fields.get("is_vulnerable") and not fields.get("vulnerability_consent_at"):
        raise ValidationError({"is_vulnerable": _("Record a vulnerability only with the person's consent.")})
    others = [{"role": other.role, "date_of_birth": other.date_of_birth}
              for other in client.persons.exclude(pk=person.pk if person else None)]
    check_birth_dates([*others, {"role": fields.get("role"), "date_of_birth": fields.get("date_of_birth")}],
                      today=timezone.localdate())
    before = field_values(person, PERSON_FIELDS) if person else {}
    if person is None:
        person = Person.objects.create(client=client, **fields)
        action = "person.added"
    else:
        for name, value in fields.items():
            setattr(person, name, value)
        person.save()
        action = "person.changed"
    record_audit(actor=by, action=action, obj=person, firm=client.firm,
                 changes=diff(before, field_values(person, PERSON_FIELDS)))
    locked = Client.objects.select_for_update().get(pk=client.pk)
    _new_version(client=locked, data=locked.current_profile.data, by=by,
                 source=_source_for(by, locked), previous=locked.current_profile)
    return person


def _send_email_change_link(*, person: Person, to: str, link: str) -> None:
    with translation.override("nl"):
        body = render_to_string("clients/email/confirm_email_change.txt", {
            "person": person, "firm": person.client.firm, "link": link, "new": person.email_pending,
            "days": EMAIL_CHANGE_DAYS})
        send_mail(_("Confirm your new e-mail address"), body, None, [to])


def email_change_of(token: str) -> tuple[int, str] | None:
    """(person id, new address) that a confirmation link names, or None for a forged or expired one."""
    try:
        person_id, pending = signing.loads(token, salt=EMAIL_CHANGE_SALT,
                                           max_age=datetime.timedelta(days=EMAIL_CHANGE_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return person_id, pending


@transaction.atomic
def confirm_email_change(*, person: Person, by=None, token: str | None = None) -> Person:
    """Make the pending address the person's own: confirmed by a second member of staff (``by``,
    not the one who entered it), or by the person through the link sent to the old address
    (``token``). The household's portal account, if it used the old address, moves with it."""
    person = Person.objects.select_for_update().select_related("client").get(pk=person.pk)
    if token is None and (by is None or not can_edit_profile(user=by, client=person.client)
                          or by.has_role(Role.CLIENT)):
        raise PermissionDenied
    if not person.email_pending:
        raise InvalidTransition(_("There is no new e-mail address to confirm."))
    if token is not None:
        if email_change_of(token) != (person.pk, person.email_pending):
            raise InvalidTransition(_("This confirmation link is not valid (any more)."))
        confirmed_by = "old_address"
    else:
        if by.pk == person.email_pending_by_id:
            raise PermissionDenied  # four eyes: the one who entered it cannot confirm it
        confirmed_by = by.get_username()
    old, new = person.email, person.email_pending
    portal = person.client.portal_user
    if portal is not None and portal.email.lower() == old.lower():
        if User.objects.filter(email__iexact=new).exclude(pk=portal.pk).exists():
            raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
        User.objects.filter(pk=portal.pk).update(email=new)
    person.email, person.email_pending, person.email_pending_by = new, "", None
    person.save(update_fields=["email", "email_pending", "email_pending_by"])
    record_audit(actor=by, action="person.email_changed", obj=person, firm=person.client.firm,
                 changes={"email": {"before": old, "after": new},
                          "confirmed_by": {"before": None, "after": confirmed_by}})
    return person


def _source_for(user, client) -> str:
    return NeedsProfile.Source.CLIENT if client.portal_user_id == user.pk else NeedsProfile.Source.ADVISER


source_for = _source_for


@transaction.atomic
def confirm_profile(*, profile: NeedsProfile, by) -> ProfileConfirmation:
    """The client confirms that this version of their profile is right."""
    if not can_edit_profile(user=by, client=profile.client):
        raise PermissionDenied
    confirmation, _created = ProfileConfirmation.objects.get_or_create(profile=profile, confirmed_by=by)
    record_audit(actor=by, action="profile.confirmed", obj=profile.client,
                 changes={"confirmed_version": {"before": None, "after": profile.version}})
    return confirmation


@transaction.atomic
def invite_client(*, client: Client, person: Person, by, base_url: str) -> User:
    """Give the household portal access: an account in the role of client for ``person`` and an
    e-mail with a one-time link to choose a password."""
    if not can_invite_client(user=by, client=client):
        raise PermissionDenied
    if person.client_id != client.pk:
        raise PermissionDenied
    if not person.email:
        raise ValidationError({"email": _("The person needs an e-mail address for the invitation.")})
    if client.portal_user_id is not None:
        raise ValidationError({"email": _("This household already has portal access.")})
    if User.objects.filter(email__iexact=person.email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
    user = User.objects.create_user(email=person.email, full_name=str(person))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, firm=client.firm, role=Role.CLIENT)
    client.portal_user = user
    client.save(update_fields=["portal_user"])
    record_audit(actor=by, action="client.invited", obj=client,
                 changes={"portal_user": {"before": None, "after": user.email}})
    transaction.on_commit(lambda: send_portal_invitation(user=user, client=client, base_url=base_url))
    return user


def send_portal_invitation(*, user: User, client: Client, base_url: str) -> None:
    """The invitation as the client reads it: from the firm (by name), naming the responsible
    adviser, whom a reply reaches; in the client's language."""
    adviser, firm = client.responsible_adviser, client.firm
    link = base_url.rstrip("/") + set_password_url(user=user)
    sender = formataddr((firm.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    with translation.override(user.language):
        body = render_to_string("clients/email/portal_invitation.txt",
                                {"user": user, "adviser": adviser, "firm": firm, "link": link})
        subject = _("Your client portal at %(firm)s") % {"firm": firm.name}
    EmailMessage(subject, body, sender, [user.email], reply_to=[adviser.email]).send()


@transaction.atomic
def import_profile(*, client: Client, data: dict, today: datetime.date | None = None) -> NeedsProfile | None:
    """Record a profile that arrived from outside (a data import, the demo generator) as a new
    version with provenance "import". System work: the caller has done its own authorisation."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    current = locked.current_profile
    document = checked(merge(current.data if current else empty_profile(), data), prefix="profile")
    return _new_version(client=locked, data=document, by=None, source=NeedsProfile.Source.IMPORT, previous=current,
                        today=today)


def _need_key(needs: list[dict]) -> list[tuple]:
    return sorted((need["type"], need.get("person") or "", round(need["amount"] or 0)) for need in needs)


@transaction.atomic
def replan_client(*, client: Client, by, parameter_set: str, today: datetime.date,
                  planned: tuple[list[dict], dict] | None = None, based_on: int | None = None) -> NeedsProfile | None:
    """Plan the household's current profile again under ``parameter_set`` (or take ``planned``, the
    batch's needs for version ``based_on``). When the needs or the parameter set differ from what the
    current version holds, a new version with the same data and the new needs is written (and
    audited); otherwise nothing changes and None is returned."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    current = client.current_profile
    if current is None or client.erased_at is not None:
        return None
    if planned is None or based_on != current.version:  # saved again since the batch read it
        planned = planned_needs(client=client, data=current.data, persons=list(client.persons.all()),
                                today=today, parameter_set=parameter_set)
    needs, planned = planned
    before = (current.derived.get("plan") or {}).get("parameters")
    if before == parameter_set and _need_key(needs) == _need_key(current.needs):
        return None
    profile = NeedsProfile(
        client=client, version=current.version + 1, data=current.data, provenance=current.provenance,
        changed_fields=[], derived={**current.derived, "plan": planned}, needs=needs, missing=current.missing,
        contradictions=current.contradictions, source=NeedsProfile.Source.IMPORT,
        created_by=by if by is not None and by.is_authenticated else None, created_at=timezone.now())
    profile.save(force_insert=True)
    client.current_profile = profile
    client.save(update_fields=["current_profile"])
    record_audit(actor=by, action="profile.replanned", obj=client, firm=client.firm,
                 changes={"parameters": {"before": before, "after": parameter_set},
                          "needs": {"before": [list(key) for key in _need_key(current.needs)],
                                    "after": [list(key) for key in _need_key(needs)]}})
    return profile


def replan_book(*, firm, by, parameter_set: str, today: datetime.date | None = None, progress=None) -> dict:
    """Re-plan every household of the firm (each in its own transaction) and list those whose needs
    changed, with their needs before and after. ``progress(done, total)`` reports as it goes."""
    if by is not None and not can_replan(user=by):
        raise PermissionDenied
    today = today or timezone.localdate()
    clients = list(Client.objects.filter(firm=firm, erased_at__isnull=True, current_profile__isnull=False)
                   .order_by("reference").values_list("pk", flat=True))
    changed, done = [], 0
    for offset in range(0, len(clients), REPLAN_CHUNK):
        chunk = list(Client.objects.filter(pk__in=clients[offset:offset + REPLAN_CHUNK])
                     .select_related("current_profile").prefetch_related("persons").order_by("reference"))
        # The planning core's batch plans the chunk at once; only households whose needs change are written.
        planned = planned_needs_of_book([(client, client.current_profile.data, list(client.persons.all()))
                                         for client in chunk], today=today, parameter_set=parameter_set)
        for client, result in zip(chunk, planned, strict=True):
            before = client.current_profile.needs
            unchanged = (client.current_profile.derived.get("plan") or {}).get("parameters") == parameter_set and (
                _need_key(result[0]) == _need_key(before))
            profile = None if unchanged else replan_client(
                client=client, by=by, parameter_set=parameter_set, today=today, planned=result,
                based_on=client.current_profile.version)
            if profile is not None and _need_key(before) != _need_key(profile.needs):
                changed.append({"client_id": client.pk, "reference": client.reference, "name": client.name,
                                "before": [[need["type"], need.get("person"), need["amount"]] for need in before],
                                "after": [[need["type"], need.get("person"), need["amount"]]
                                          for need in profile.needs]})
        done += len(chunk)
        if progress is not None:
            progress(done, len(clients))
    return {"parameter_set": parameter_set, "households": len(clients), "changed": changed}
