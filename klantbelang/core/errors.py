"""Domain errors: raised by services, shown to people as a message and to API clients as JSON
with a stable ``code`` (see config/api.py), never as a 500."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        super().__init__(str(self.message))


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("This step is not possible from the current status.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Someone else changed this in the meantime.")
