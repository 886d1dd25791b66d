from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from klantbelang.clients.models import Client
from klantbelang.clients.profile_data import to_match_profile
from klantbelang.core.access import access
from klantbelang.products.models import Product
from klantbelang.products.permissions import can_match

from .batch import match_one
from .profile import ProfileError, parse_profile
from .shelf import catalogue_for

router = Router(tags=["matching"])


class Reason(Schema):
    axis: str
    code: str
    text_nl: str
    text_en: str


class MatchEntry(Schema):
    code: str
    name: str
    eligible: bool
    score: float
    axes: dict[str, str]
    reasons: list[Reason]


class MatchIn(Schema):
    profile: dict | None = Field(default=None, description="The client profile JSON (docs/product-import.md).")
    client_id: int | None = Field(default=None, description="Match this client's current profile instead.")
    need_type: str | None = Field(default=None, description="With client_id: match for this need type.")
    category: str | None = Field(default=None, description="Only products of this category.")
    provider: str | None = Field(default=None, description="Only products of this provider (name).")
    codes: list[str] | None = Field(default=None, max_length=10_000, description="Only these product codes.")
    include_closed: bool = Field(default=False, description="Also products closed for new business.")
    top: int | None = Field(default=None, ge=1, le=10_000, description="Return only the first N.")


@router.post("/match", response=list[MatchEntry], summary="Match a client profile against the firm's shelf")
def match(request, payload: MatchIn):
    """Ranked eligible first, then by score. Every non-pass axis has a reason in Dutch and English.
    Commission or any other remuneration is never an input."""
    user = request.auth
    if not can_match(user=user):
        raise PermissionDenied
    if (payload.profile is None) == (payload.client_id is None):
        raise ValidationError({"profile": ["Give either a profile or a client_id."]})
    if payload.client_id is not None:
        client = access(Client, user=user, pk=payload.client_id,
                        queryset=Client.objects.select_related("current_profile"))
        profile_json = to_match_profile(client.current_profile.data, need_type=payload.need_type,
                                        today=timezone.localdate())
    else:
        profile_json = payload.profile
    try:
        profile = parse_profile(profile_json)
    except ProfileError as error:
        raise ValidationError({f"profile.{name}": [message] for name, message in error.errors.items()}) from None
    if payload.provider or payload.codes:
        products = Product.objects.visible_to(user)
        if not payload.include_closed:
            products = products.active()
        if payload.category:
            products = products.filter(category=payload.category)
        if payload.provider:
            products = products.filter(provider__name=payload.provider)
        if payload.codes:
            products = products.filter(code__in=payload.codes)
        catalogue = catalogue_for(firm=user.firm, products=products)
    else:
        catalogue = catalogue_for(firm=user.firm, category=payload.category, include_closed=payload.include_closed)
    results = match_one(profile, catalogue)
    return results[: payload.top] if payload.top else results
