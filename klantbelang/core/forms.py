"""Showing a service's ValidationError on the form that called it, and reading a number from a
request parameter that anyone can tamper with."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Put each field's messages on that field, and the rest on the form."""
    for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
        form.add_error(field if field in form.fields else None, messages)


# Ids are 64-bit; version numbers and counts are 32-bit columns. A parameter outside the smaller
# range names nothing that exists, so it is treated as absent rather than sent to the database.
LARGEST = 2**31 - 1


def number_param(value) -> int | None:
    """A positive whole number from a form field or query parameter, or None when it is missing,
    not a number or out of range: a tampered field is a 404 or a validation message, never a 500."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= LARGEST else None


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD) whatever the language: a picker
    shows "14-03-1988" as empty and submits it empty, so the Dutch pages used to erase every date
    saved unchanged. Django reads ISO back in every language (ISO is among the input formats)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
