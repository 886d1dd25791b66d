"""The REST API at /api/v1/: one NinjaAPI, a router per app, errors mapped to JSON once here."""

import re

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser as NinjaParser

from klantbelang.accounts.api import router as accounts_router
from klantbelang.accounts.auth import BearerTokenAuth, SessionAuth
from klantbelang.advice.api import router as advice_router
from klantbelang.clients.api import router as clients_router
from klantbelang.core.api import router as core_router
from klantbelang.core.errors import DomainError
from klantbelang.core.views import UNAVAILABLE, database_unreachable
from klantbelang.governance.api import router as governance_router
from klantbelang.governance.dialogue_api import router as dialogue_router
from klantbelang.matching.api import router as matching_router
from klantbelang.products.api import router as products_router
from klantbelang.prospects.api import router as prospects_router
from klantbelang.quality.api import router as quality_router
from klantbelang.relationships.api import router as relationships_router

# Deeper JSON than this is no request of ours (the deepest, a profile change set, has five levels).
MAX_DEPTH = 20
# A lone UTF-16 surrogate ("\ud800" in JSON) is no character: it cannot be written as UTF-8, so it
# would break every later read of what stored it (the audit log's exports included).
SURROGATE = re.compile("[\ud800-\udfff]")


class Parser(NinjaParser):
    """JSON and query strings as ninja reads them, refusing what no field can hold: the NUL
    character (PostgreSQL cannot store it in text), lone surrogates and JSON nested deeper than
    ``MAX_DEPTH``. A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 (``too_large`` below)."""

    def parse_body(self, request):
        try:
            data = super().parse_body(request)
        except RecursionError:
            raise HttpError(400, _("The JSON is nested too deeply.")) from None
        _refuse_unstorable(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_unstorable(parsed)
        return parsed


def _refuse_unstorable(value, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise HttpError(400, _("The JSON is nested too deeply."))
    if isinstance(value, str):
        if "\x00" in value:
            raise HttpError(400, _("Text may not contain the NUL character."))
        if SURROGATE.search(value):
            raise HttpError(400, _("Text may not contain a lone surrogate (an incomplete character)."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unstorable(key, depth + 1)
            _refuse_unstorable(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _refuse_unstorable(item, depth + 1)


# Every operation may answer with these, in the one error format (``_error`` below); the schema
# says so, so that a client, and schemathesis's status-code check, knows every answer it can get.
ERROR_RESPONSES = {
    400: "The request cannot be read: a NUL character, a lone surrogate, JSON nested too deeply.",
    401: "No valid bearer token or signed-in session (or a second step of signing in is missing).",
    403: "Your role may not do this.",
    404: "Not found, or not your firm's.",
    409: "Someone changed it in the meantime, or its state does not allow this now.",
    413: "The request is too large.",
    422: "A field is not valid; `errors` names each field with its message.",
    429: "Too many failed sign-ins from this address for this account; try again later.",
    503: "The database is briefly unreachable; nothing was saved; retry after `Retry-After` seconds.",
}
ERROR_SCHEMA = {
    "title": "ApiError", "type": "object", "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "stable, for programs: invalid, not_found, conflict, …"},
        "message": {"type": "string", "description": "for people, in the caller's language"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


class KlantbelangAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                documented = {int(status) for status in responses}
                for status, description in ERROR_RESPONSES.items():
                    if status not in documented:
                        responses[status] = {"description": description, "content": error}
        return schema


api = KlantbelangAPI(
    title="klantbelang API",
    version="1",
    description="The client-interest advice system. Authenticate with `POST /api/v1/auth/token` and send "
    "`Authorization: Bearer <token>`. Errors are JSON with a stable `code` and a `message`.",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs",
    parser=Parser(),
)

api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", clients_router)
api.add_router("", products_router)
api.add_router("", matching_router)
api.add_router("", relationships_router)
api.add_router("", advice_router)
api.add_router("", prospects_router)
api.add_router("", quality_router)
api.add_router("", governance_router)
api.add_router("", dialogue_router)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, str(exc.message))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_gone(request, exc):
    """The database went away mid-request (restart, fail-over): retry shortly; nothing was saved.
    Another database error (too many SQL variables, say) is the server error it is, logged."""
    if not database_unreachable(exc):
        raise exc
    response = _error(request, 503, "unavailable", UNAVAILABLE)
    response["Retry-After"] = "5"
    return response


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    return _error(request, 413, "too_large", _("The request is too large."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return _error(request, 403, "permission_denied", _("You may not do this."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Authentication required: a bearer token or a session."))


_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "permission_denied", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "throttled"}


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", ()) if part not in {"body", "query", "path"}),
         "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return _error(request, 422, "invalid", _("The request is not valid."), errors=errors)


@api.exception_handler(DjangoValidationError)
def invalid_data(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [{"field": field, "message": message}
                  for field, messages in exc.message_dict.items() for message in messages]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    return _error(request, 422, "invalid", _("The request is not valid."), errors=errors)
