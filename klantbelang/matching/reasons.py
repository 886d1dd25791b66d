"""The sentence for every reason code, in Dutch and English.

A reason is given for every axis that does not pass; advisers read these to the client, so they
say what the product's target market says and what the client's profile says.
"""

from .vocabulary import CLIENT_TYPES, KNOWLEDGE_LEVELS, LOSS_LEVELS, OBJECTIVES, SERVICES

LABELS = {
    "nl": {
        "retail": "particuliere klant", "professional": "professionele klant",
        "basic": "basiskennis", "informed": "geïnformeerde belegger", "advanced": "ervaren belegger",
        "none": "geen verlies kunnen dragen", "limited": "beperkt verlies kunnen dragen",
        "no_guarantee": "geen kapitaalgarantie nodig", "beyond_capital": "verlies boven inleg kunnen dragen",
        "preservation": "behoud van vermogen", "growth": "groei", "income": "inkomen", "hedging": "afdekking",
        "leveraged": "hefboom/opties",
        "execution_only": "execution only", "non_advised": "zonder advies", "advice": "advies",
        "portfolio_management": "vermogensbeheer",
    },
    "en": {
        "retail": "retail client", "professional": "professional client",
        "basic": "basic investor", "informed": "informed investor", "advanced": "advanced investor",
        "none": "cannot bear capital loss", "limited": "can bear limited loss",
        "no_guarantee": "needs no capital guarantee", "beyond_capital": "can bear loss beyond capital",
        "preservation": "capital preservation", "growth": "growth", "income": "income", "hedging": "hedging",
        "leveraged": "option or leveraged return",
        "execution_only": "execution only", "non_advised": "non-advised service", "advice": "investment advice",
        "portfolio_management": "portfolio management",
    },
}
LABELLED_VALUES = CLIENT_TYPES + KNOWLEDGE_LEVELS + LOSS_LEVELS + OBJECTIVES + SERVICES

TEMPLATES = {
    "client_type_negative": (
        "Het product is niet bedoeld voor een {nl_value} (negatieve doelgroep).",
        "The product is not meant for a {en_value} (negative target market)."),
    "client_type_unspecified": (
        "De doelgroep van het product zegt niets over een {nl_value}.",
        "The product's target market is neutral or silent on a {en_value}."),
    "knowledge_negative": (
        "Het product is niet geschikt bij het kennisniveau van de klant ({nl_value}).",
        "The product is not fit for the client's knowledge level ({en_value})."),
    "knowledge_unspecified": (
        "De doelgroep noemt het kennisniveau van de klant ({nl_value}) niet als passend.",
        "The target market does not name the client's knowledge level ({en_value}) as fit."),
    "loss_negative": (
        "Het product past niet bij een klant die {nl_value}.",
        "The product does not suit a client who {en_value}."),
    "loss_limit_exceeded": (
        "Het product kan tot {product}% verliezen; de klant kan hooguit {client}% dragen.",
        "The product can lose up to {product}%; the client can bear at most {client}%."),
    "loss_unspecified": (
        "De doelgroep zegt niet of het product past bij een klant die {nl_value}.",
        "The target market does not say whether the product suits a client who {en_value}."),
    "risk_above_tolerance": (
        "Risicoindicator {product} ligt boven de risicotolerantie van de klant ({client}).",
        "Risk indicator {product} is above the client's risk tolerance ({client})."),
    "risk_missing": (
        "Het product heeft geen risicoindicator (SRI).",
        "The product has no risk indicator (SRI)."),
    "objectives_negative": (
        "Het product is niet bedoeld voor de doelstelling {nl_value} (negatieve doelgroep).",
        "The product is not meant for the objective {en_value} (negative target market)."),
    "objectives_unspecified": (
        "De doelgroep noemt de doelstelling van de klant ({nl_value}) niet.",
        "The target market does not name the client's objective ({en_value})."),
    "horizon_too_short": (
        "Het product vraagt een beleggingshorizon van minstens {product} jaar; de klant heeft {client} jaar.",
        "The product needs a horizon of at least {product} years; the client has {client} years."),
    "horizon_missing": (
        "De minimale beleggingshorizon van het product of de horizon van de klant is onbekend.",
        "The product's minimum holding period or the client's horizon is unknown."),
    "service_negative": (
        "Het product wordt niet verspreid via {nl_value}.",
        "The product is not distributed through {en_value}."),
    "service_unspecified": (
        "De distributiestrategie zegt niets over {nl_value}.",
        "The distribution strategy is neutral or silent on {en_value}."),
    "sustainability_preference_unmet": (
        "Het product haalt de duurzaamheidsvoorkeur van de klant niet: {nl_value}.",
        "The product does not meet the client's sustainability preference: {en_value}."),
    "sustainability_data_missing": (
        "Het product heeft geen (volledige) duurzaamheidsgegevens om de voorkeur van de klant te toetsen.",
        "The product lacks the sustainability data to check the client's preference."),
    "need_not_served": (
        "Het product dekt de behoefte '{client}' niet.",
        "The product does not serve the need '{client}'."),
    "need_unspecified": (
        "Het is niet vastgelegd welke behoeften het product dekt.",
        "It is not recorded which needs the product serves."),
    "age_outside_entry_range": (
        "De klant ({client} jaar) valt buiten de instapleeftijd van het product ({product}).",
        "The client ({client} years) is outside the product's entry age ({product})."),
}


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def reason(axis: str, code: str, *, value: str = "", product="", client="", nl_value=None,
           en_value=None) -> dict:
    """One reason as it appears in the match output. ``value`` is a vocabulary word, shown as its
    label in each language; ``nl_value``/``en_value`` give ready-made texts instead."""
    nl_template, en_template = TEMPLATES[code]
    nl_value = LABELS["nl"].get(value, value) if nl_value is None else nl_value
    en_value = LABELS["en"].get(value, value) if en_value is None else en_value
    fields = {"nl_value": nl_value, "en_value": en_value, "product": _number(product), "client": _number(client)}
    return {"axis": axis, "code": code, "text_nl": nl_template.format(**fields),
            "text_en": en_template.format(**fields)}


def sustainability_gaps(*, language: str, gaps: list[tuple[str, float | None, float]]) -> str:
    names = {
        "nl": {"taxonomy": "taxonomie-afgestemd", "sfdr": "duurzame beleggingen (SFDR)",
               "pai": "ongunstige effecten (PAI)"},
        "en": {"taxonomy": "taxonomy-aligned", "sfdr": "sustainable investments (SFDR)",
               "pai": "adverse impacts (PAI)"},
    }[language]
    parts = []
    for kind, product_value, client_min in gaps:
        if kind == "pai":
            parts.append(names["pai"] + (" niet meegewogen" if language == "nl" else " not considered"))
        else:
            parts.append(f"{names[kind]} {_number(product_value)}% < {_number(client_min)}%")
    return ", ".join(parts)
