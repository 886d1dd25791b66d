"""The request id of the request being served, for audit events and logs.

A context variable (not a thread local) so that it is also right under ASGI; background tasks
run without one and record an empty request id.
"""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
