"""Choosing between the Dutch and English texts that plain-Python modules carry side by side."""

from django.utils.translation import get_language


def language_key() -> str:
    """"nl" or "en": the active language, for picking ``text_nl``/``text_en``-style fields."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"
