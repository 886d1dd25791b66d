from datetime import datetime

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from klantbelang.core.access import access
from klantbelang.core.roles import ROLE_PRECEDENCE

from . import services, two_factor
from .models import ApiToken

router = Router(tags=["accounts"])


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    name: str = Field(default="API", max_length=100)
    otp: str | None = Field(default=None, max_length=12, description="the authenticator code, when 2FA is on")


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    code: str
    message: str


class FirmOut(Schema):
    id: int
    name: str
    slug: str
    country: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    firm: FirmOut
    role: str
    roles: list[str]


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime


@router.post("/auth/token", auth=None, response={201: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
             summary="Get a bearer token")
def create_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.email, password=payload.password)
    if getattr(request, "axes_locked_out", False):  # set by django-axes' backend, whatever the password
        return 429, {"code": "locked_out", "message": _(
            "Too many failed attempts for this e-mail address; try again in a quarter of an hour.")}
    if user is None or user.firm is None:
        return 401, {"code": "invalid_credentials", "message": _("E-mail address or password is wrong.")}
    if two_factor.setup_missing(user):
        return 403, {"code": "two_factor_setup_required", "message": _(
            "Your firm requires two-factor authentication: connect an authenticator app under My account "
            "first.")}
    if two_factor.has_device(user) and (not payload.otp or two_factor.verify(user=user, token=payload.otp) is None):
        return 401, {"code": "otp_required", "message": _("Give the code from your authenticator app as otp.")}
    _token, raw = services.issue_api_token(user=user, name=payload.name)
    return 201, {"token": raw}


@router.get("/auth/tokens", response=list[TokenInfoOut], summary="My API tokens")
def list_tokens(request):
    return ApiToken.objects.visible_to(request.auth)


@router.delete("/auth/tokens/{token_id}", response={204: None}, summary="Revoke one of my API tokens")
def revoke_token(request, token_id: int):
    token = access(ApiToken, user=request.auth, pk=token_id)
    services.revoke_api_token(token=token, by=request.auth)
    return 204, None


class LoggedOutOut(Schema):
    tokens_revoked: int


@router.post("/auth/log-out-everywhere", response=LoggedOutOut,
             summary="End all my sessions on every device and revoke all my tokens (this one too)")
def log_out_everywhere(request):
    return {"tokens_revoked": services.log_out_everywhere(user=request.auth, by=request.auth)}


@router.get("/me", response=MeOut, summary="Who am I")
def me(request):
    user = request.auth
    roles = [role for role in ROLE_PRECEDENCE if role in user.roles]
    return {"id": user.pk, "email": user.email, "full_name": user.full_name, "language": user.language,
            "firm": user.firm, "role": roles[0], "roles": roles}
