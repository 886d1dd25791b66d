"""How the REST API knows who is calling: a bearer token, or the web session (with CSRF); and how
sign-in throttling knows where an attempt comes from."""

import ipaddress

from django.conf import settings
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from . import two_factor
from .services import user_for_token


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None or user.firm is None:
            return None
        # A token issued before the firm required a second step does not outlive that requirement
        # (tokens issued before an authenticator was connected were revoked when it was).
        if two_factor.setup_missing(user):
            return None
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    def authenticate(self, request, key):
        # A request that presents a bearer token stands or falls by that token: a revoked token
        # must not be rescued by a browser session that happens to ride along.
        if "Authorization" in request.headers:
            return None
        user = super().authenticate(request, key)
        if not user or user.firm is None:
            return None
        # A session that has not passed the second step of signing in, or cannot because the
        # required authenticator is missing, is not signed in.
        if two_factor.session_refused(user):
            return None
        return user


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address a request comes from (django-axes counts sign-in failures per account and
    address): the connection's own, or, when that is a trusted proxy (``TRUSTED_PROXIES``), the
    nearest address in X-Forwarded-For that is not a trusted proxy itself."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address):
            return address
    return remote


def throttled_username(request, credentials) -> str:
    """The e-mail address a sign-in attempt counts against (django-axes), in one spelling, so that
    "A@Firm.nl" and "a@firm.nl " share one count of failures."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def lockout_response(request, original_response, credentials):
    """What a locked-out sign-in gets (django-axes): the API keeps its own JSON answer (429
    ``locked_out``), a page shows the lock-out page."""
    from django.shortcuts import render

    if request.path_info.startswith("/api/"):
        return original_response
    return render(request, "accounts/locked_out.html", status=429)
