"""Two-factor authentication with a time-based code (TOTP, django-otp): optional for everyone,
required for managers and administrators when their firm turns it on.

A person with a confirmed authenticator app signs in with their password and then the six-digit
code; until then every page sends them to the code page, and the session API refuses them.
"""

import base64
import io
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from klantbelang.core.audit import record_audit
from klantbelang.core.roles import Role

from .models import ApiToken

REQUIRED_ROLES = {Role.MANAGER, Role.ADMIN}


def required_for(user) -> bool:
    """The firm requires it, and the person manages or administers the firm."""
    firm = user.firm
    return firm is not None and firm.require_two_factor and user.has_any_role(REQUIRED_ROLES)


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def setup_missing(user) -> bool:
    """The firm requires a second step for this person and they have not connected an app: they may
    set one up, and nothing else, on the web as through the API."""
    return required_for(user) and not has_device(user)


def session_refused(user) -> bool:
    """A web session the API must not serve: it has not passed the code yet, or it never can
    because the firm's required authenticator is missing. The same rule as the pages'."""
    if hasattr(user, "is_verified") and user.is_verified():
        return False
    return has_device(user) or required_for(user)


@transaction.atomic
def start_setup(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (an earlier unconfirmed one is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="klantbelang", confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def confirm_setup(*, user, token: str) -> TOTPDevice:
    """The first code from the app proves it holds the secret; only then does the device count."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise ValidationError({"token": _("That code is not right; scan the code again and enter the six digits "
                                          "your app shows now.")})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Sessions signed in before now never passed the code: they end (the caller keeps its own), and
    # so do the API tokens, which were issued on the password alone.
    user.__class__.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.session_version += 1
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if user.firm is not None:
        record_audit(actor=user, action="two_factor.enabled", obj=user, firm=user.firm,
                     changes={"tokens_revoked": {"before": None, "after": revoked}})
    return device


@transaction.atomic
def disable(*, user, token: str) -> None:
    if required_for(user):
        raise ValidationError({"token": _("Your firm requires two-factor authentication for your role.")})
    if match_token(user, token.strip()) is None:
        raise ValidationError({"token": _("That code is not right.")})
    TOTPDevice.objects.filter(user=user).delete()
    if user.firm is not None:
        record_audit(actor=user, action="two_factor.disabled", obj=user, firm=user.firm)


def verify(*, user, token: str):
    """The confirmed device that accepts ``token``, or None (django-otp throttles repeated failures)."""
    return match_token(user, token.strip())


@transaction.atomic
def set_firm_requirement(*, firm, by, required: bool) -> None:
    if not (by.is_authenticated and by.firm == firm and by.has_role(Role.ADMIN)):
        raise PermissionDenied
    before = firm.require_two_factor
    firm.__class__.objects.filter(pk=firm.pk).update(require_two_factor=required)
    firm.require_two_factor = required
    record_audit(actor=by, action="firm.two_factor_required", obj=firm,
                 changes={"require_two_factor": {"before": before, "after": required}})


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


class TwoFactorMiddleware:
    """After sign-in: a person with an authenticator enters its code before anything else; a
    person whose firm requires it and who has none sets one up first."""

    OPEN = ("/login/", "/logout/", "/account/two-factor/", "/language/", "/static/", "/api/")
    # Remembered per session: this person had no authenticator when it started. Connecting one
    # ends every other session (confirm_setup), so the memory never outlives the fact.
    WITHOUT = "two_factor_absent"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path_info.startswith(self.OPEN) and not user.is_verified():
            query = urlencode({"next": request.get_full_path()})
            absent = request.session.get(self.WITHOUT) == user.pk
            if not absent and has_device(user):
                return redirect(f"{reverse('accounts:two_factor_verify')}?{query}")
            if required_for(user):
                return redirect(f"{reverse('accounts:two_factor_setup')}?{query}")
            if not absent:
                request.session[self.WITHOUT] = user.pk
        return self.get_response(request)

