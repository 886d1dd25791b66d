"""Keeping clients unrecognisable in what leaves the firm's own files: text shared with a
manufacturer and contributions to a dialogue.

Two tools. ``identifying_text`` refuses free text that names one of the firm's clients (first and
last name in either order, "Last, First", an initial or a salutation with the last name) or holds
one of its client numbers, a date, a postcode, an e-mail address or a long number (phone, IBAN,
citizen service number); the writer rewrites it. ``redact`` replaces all of these in text the firm
does not write itself for the manufacturer, such as an adviser's deviation reason in a distributor
report.
"""

import re

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Nine or more digits, allowing spaces, dots and dashes between them: phone numbers, BSN, IBAN digits.
LONG_NUMBER = re.compile(r"(?<![\w])(?:[A-Z]{2}\d{2}\s?[A-Z]{4}\s?)?\d(?:[\s.-]?\d){8,}(?![\w])")
# A date as people write it: 3-4-1991, 03/04/91, 1991-04-03, 3 april 1991, 3 apr. 1991.
MONTHS = ("jan|feb|febr|mrt|maa|mar|apr|mei|may|jun|jul|aug|sep|sept|okt|oct|nov|dec|januari|februari|maart|"
          "april|juni|juli|augustus|september|oktober|november|december|january|february|march|june|july|"
          "august|october")
DATE = re.compile(rf"(?<!\w)(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|"
                  rf"\d{{1,2}}\s+(?:{MONTHS})\.?\s+\d{{4}})(?!\w)", re.IGNORECASE)
# A Dutch postcode: four digits (not starting with 0), an optional space, two capitals.
POSTCODE = re.compile(r"(?<!\w)[1-9]\d{3}\s?[A-Z]{2}(?![A-Za-z])")
# A word with digits in it, such as a client number (K000012): checked against the firm's numbers.
CODE = re.compile(r"(?<!\w)[A-Za-z]*\d[\w-]*")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
SALUTATIONS = {"mr", "mrs", "ms", "dhr", "mevr", "meneer", "mevrouw", "heer", "familie", "fam", "mw", "hr"}
PLACEHOLDER = "[…]"


def _ngrams(words: list[str], most: int = 3) -> set[str]:
    return {" ".join(words[start:start + size]) for size in range(1, most + 1)
            for start in range(len(words) - size + 1)}


def _names_a_person(lowered: str, first: str, last: str) -> bool:
    """First and last name in either order ("Last, First" included, the comma being gone from the
    words), an initial or a salutation before the last name."""
    initial = first[:1]
    return (f"{first} {last}" in lowered or f"{last} {first}" in lowered
            or (bool(initial) and re.search(rf"(?<!\w){re.escape(initial)} {re.escape(last)}(?!\w)", lowered)
                is not None)
            or any(f"{salutation} {last}" in lowered for salutation in SALUTATIONS))


def identifying_text(*, firm, text: str) -> list[str]:
    """What in ``text`` could identify a client, as messages for the writer; empty when nothing."""
    from klantbelang.clients.models import Client, Person

    problems = []
    if EMAIL.search(text):
        problems.append(_("Leave out e-mail addresses."))
    if LONG_NUMBER.search(text):
        problems.append(_("Leave out phone numbers, account numbers and other long numbers."))
    if DATE.search(text):
        problems.append(_("Leave out dates such as a date of birth."))
    if POSTCODE.search(text):
        problems.append(_("Leave out postcodes and addresses."))
    codes = {code.upper() for code in CODE.findall(text)}
    if codes and Client.objects.filter(firm=firm, reference__in=codes).exists():
        problems.append(_("Leave out client numbers."))
    words = [word.lower() for word in WORD.findall(text)]
    if not words:
        return problems
    candidates = _ngrams(words)
    people = (Person.objects.filter(client__firm=firm).annotate(last=Lower("last_name"), first=Lower("first_name"))
              .filter(last__in=candidates).values_list("first", "last"))
    lowered = " ".join(words)
    for first, last in people:
        if _names_a_person(lowered, first, last):
            problems.append(_("Leave out the names of clients: the text names %(name)s.") % {
                "name": f"{first.title()} {last}"})
            break
    return problems


def redact(text: str, *, names: set[str]) -> str:
    """``text`` with the given names and client numbers, and every e-mail address, date, postcode and
    long number replaced. Names are replaced one by one, so every order of them goes."""
    text = EMAIL.sub(PLACEHOLDER, text)
    text = DATE.sub(PLACEHOLDER, text)
    text = LONG_NUMBER.sub(PLACEHOLDER, text)
    text = POSTCODE.sub(PLACEHOLDER, text)
    for name in sorted((name for name in names if len(name) > 1), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def client_names(client_ids) -> set[str]:
    """First names, last names and full names of the persons of these clients, the names of the
    households and their client numbers."""
    from klantbelang.clients.models import Client, Person

    names = set()
    for first, last in Person.objects.filter(client__in=client_ids).values_list("first_name", "last_name"):
        names.update({first, last, f"{first} {last}"})
    for name, reference in Client.objects.filter(pk__in=client_ids).values_list("name", "reference"):
        names.update({name, reference})
    return {name.strip() for name in names if name and name.strip()}
