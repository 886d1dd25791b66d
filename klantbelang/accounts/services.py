import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from klantbelang.core.audit import record_audit
from klantbelang.core.models import Firm
from klantbelang.core.roles import Role

from .models import ApiToken, Expertise, Membership, Team, User, hash_token
from .permissions import can_manage_members

CALENDAR_SALT = "klantbelang.accounts.calendar"
TOKEN_PREFIX = "kb_"  # noqa: S105 - a prefix that marks our tokens, not a secret
# Updating last_used_at on every call would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@transaction.atomic
def add_member(
    *,
    firm: Firm,
    email: str,
    full_name: str,
    roles: Iterable[str],
    by: User | None,
    teams: Iterable[Team] = (),
    expertise: Iterable[str] = (),
    language: str = "nl",
) -> User:
    """Create a person in ``firm`` with ``roles``; they choose their own password via the set-password
    link from ``send_set_password_link``. ``by`` None is for system setup (demo data, commands).

    Raises PermissionDenied unless ``by`` is an admin of ``firm``; ValidationError for an e-mail
    address already in use or an empty role list.
    """
    if by is not None and not (can_manage_members(user=by) and by.firm == firm):
        raise PermissionDenied
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(role)s") % {"role": ", ".join(sorted(unknown))}})
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
    user = User.objects.create_user(email=email, full_name=full_name, language=language)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.bulk_create(Membership(user=user, firm=firm, role=role) for role in roles)
    teams = list(teams)
    for team in teams:
        if team.firm_id != firm.pk:
            raise ValidationError({"teams": _("That team belongs to another firm.")})
        team.members.add(user)
    Expertise.objects.bulk_create(Expertise(user=user, domain=domain) for domain in sorted(set(expertise)))
    record_audit(
        actor=by, action="member.added", obj=user, firm=firm,
        changes={"roles": {"before": [], "after": roles},
                 "teams": {"before": [], "after": sorted(team.name for team in teams)},
                 "expertise": {"before": [], "after": sorted(set(expertise))}},
    )
    return user


def set_password_url(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_set", kwargs={"uidb64": uid, "token": token})


def send_set_password_link(*, user: User, base_url: str) -> str:
    """E-mail the one-time link with which a new person chooses a password. Returns the link.

    The link stops working once the password is set (Django's token includes the password hash).
    """
    link = base_url.rstrip("/") + set_password_url(user=user)
    with translation.override(user.language):
        body = render_to_string("accounts/email/set_password.txt", {"user": user, "link": link})
        send_mail(_("Your klantbelang account"), body, None, [user.email])
    return link


@transaction.atomic
def set_member_roles(*, user: User, roles: Iterable[str], by: User) -> None:
    if not (can_manage_members(user=by) and user.firm == by.firm):
        raise PermissionDenied
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    before = sorted(user.roles)
    if user.pk == by.pk and Role.ADMIN not in roles:
        raise ValidationError({"roles": _("You cannot take away your own administrator role.")})
    Membership.objects.filter(user=user, firm=by.firm).exclude(role__in=roles).delete()
    Membership.objects.bulk_create(
        [Membership(user=user, firm=by.firm, role=role) for role in roles if role not in before]
    )
    user.__dict__.pop("_firm_and_roles", None)
    record_audit(actor=by, action="member.roles_changed", obj=user, firm=by.firm,
                 changes={"roles": {"before": before, "after": roles}})


def set_language(*, user: User, language: str) -> None:
    if language in {"nl", "en"} and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def issue_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``. Returns the row and the token itself, which is not stored
    and cannot be shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100] or "API", key_hash=hash_token(raw),
                                    prefix=raw[:10])
    if user.firm is not None:
        record_audit(actor=user, action="api_token.issued", obj=token, firm=user.firm)
    return token, raw


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User) -> None:
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        if by.firm is not None:
            record_audit(actor=by, action="api_token.revoked", obj=token, firm=by.firm)


@transaction.atomic
def log_out_everywhere(*, user: User, by: User) -> int:
    """End every session of ``user`` (on every device) and revoke all their API tokens. A person
    does it for themselves; an administrator of their firm for them (a lost laptop). Returns the
    number of tokens revoked."""
    if by.pk != user.pk and not (can_manage_members(user=by) and by.firm is not None and by.firm == user.firm):
        raise PermissionDenied
    User.objects.filter(pk=user.pk).update(session_version=models.F("session_version") + 1)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    firm = user.firm or by.firm
    if firm is not None:
        record_audit(actor=by, action="member.logged_out_everywhere", obj=user, firm=firm,
                     changes={"tokens_revoked": {"before": None, "after": revoked}})
    return revoked


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown, revoked, expired or
    inactive one."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def calendar_token(user: User) -> str:
    """The credential in a person's calendar-feed address: signed, dated, and bound to their
    calendar generation and session version, so it expires after ``CALENDAR_FEED_DAYS``, when they
    ask for a new address, and when they (or an administrator) log out everywhere."""
    return signing.dumps([user.pk, user.calendar_generation, user.session_version], salt=CALENDAR_SALT)


def user_for_calendar_token(token: str) -> User | None:
    """The active person a calendar-feed token belongs to, or None for a forged, expired or
    revoked one."""
    try:
        user_id, generation, version = signing.loads(token, salt=CALENDAR_SALT,
                                                     max_age=timedelta(days=settings.CALENDAR_FEED_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return User.objects.filter(pk=user_id, is_active=True, calendar_generation=generation,
                               session_version=version).first()


@transaction.atomic
def renew_calendar_address(*, user: User) -> None:
    """Revoke every calendar-feed address handed out to ``user``; the next one shown works."""
    User.objects.filter(pk=user.pk).update(calendar_generation=models.F("calendar_generation") + 1)
    user.refresh_from_db(fields=["calendar_generation"])
    if user.firm is not None:
        record_audit(actor=user, action="calendar.address_renewed", obj=user, firm=user.firm)
