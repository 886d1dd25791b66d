"""Keeping clients unrecognisable in what leaves the firm's own files: text shared with a
manufacturer and contributions to a dialogue.

Two tools. ``identifying_text`` refuses free text that names one of the firm's clients (first and
last name together, or a salutation with the last name) or holds an e-mail address or a long
number (phone, IBAN, citizen service number); the writer rewrites it. ``redact`` replaces the
names of known clients in text the firm does not write itself for the manufacturer, such as an
adviser's deviation reason in a distributor report.
"""

import re

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Nine or more digits, allowing spaces, dots and dashes between them: phone numbers, BSN, IBAN digits.
LONG_NUMBER = re.compile(r"(?<![\w])(?:[A-Z]{2}\d{2}\s?[A-Z]{4}\s?)?\d(?:[\s.-]?\d){8,}(?![\w])")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
SALUTATIONS = {"mr", "mrs", "ms", "dhr", "mevr", "meneer", "mevrouw", "heer", "familie", "fam", "mw", "hr"}
PLACEHOLDER = "[…]"


def _ngrams(words: list[str], most: int = 3) -> set[str]:
    return {" ".join(words[start:start + size]) for size in range(1, most + 1)
            for start in range(len(words) - size + 1)}


def identifying_text(*, firm, text: str) -> list[str]:
    """What in ``text`` could identify a client, as messages for the writer; empty when nothing."""
    from klantbelang.clients.models import Person

    problems = []
    if EMAIL.search(text):
        problems.append(_("Leave out e-mail addresses."))
    if LONG_NUMBER.search(text):
        problems.append(_("Leave out phone numbers, account numbers and other long numbers."))
    words = [word.lower() for word in WORD.findall(text)]
    if not words:
        return problems
    candidates = _ngrams(words)
    people = (Person.objects.filter(client__firm=firm).annotate(last=Lower("last_name"), first=Lower("first_name"))
              .filter(last__in=candidates).values_list("first", "last"))
    lowered = " ".join(words)
    for first, last in people:
        named = f"{first} {last}" in lowered
        addressed = any(f"{salutation} {last}" in lowered for salutation in SALUTATIONS)
        if named or addressed:
            problems.append(_("Leave out the names of clients: the text names %(name)s.") % {
                "name": f"{first.title()} {last}"})
            break
    return problems


def redact(text: str, *, names: set[str]) -> str:
    """``text`` with the given names, e-mail addresses and long numbers replaced."""
    text = EMAIL.sub(PLACEHOLDER, text)
    text = LONG_NUMBER.sub(PLACEHOLDER, text)
    for name in sorted((name for name in names if len(name) > 1), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def client_names(client_ids) -> set[str]:
    """First names, last names and full names of the persons of these clients."""
    from klantbelang.clients.models import Person

    names = set()
    for first, last in Person.objects.filter(client__in=client_ids).values_list("first_name", "last_name"):
        names.update({first, last, f"{first} {last}"})
    return {name.strip() for name in names if name and name.strip()}
