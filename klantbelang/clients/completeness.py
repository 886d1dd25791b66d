"""What must be known before advice in each domain, and which answers contradict each other.

The required lists are the documented rules (docs/needs-inventory.md): advice in a domain cannot
start while ``missing_for(data, domain)`` is not empty, so nothing is ever silently defaulted.
Each rule says why it is asked, in Dutch and English, for the client portal.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .profile_data import RISK_QUESTIONS, derive

DOMAINS = ("mortgage", "pension", "income_protection", "life", "non_life", "investment")


@dataclass(frozen=True)
class Requirement:
    field: str
    present: Callable[[dict], bool]
    why_nl: str
    why_en: str


LABELS = {
    "household": ("Geboortedatum en werksituatie", "Date of birth and employment"),
    "income": ("Inkomen", "Income"),
    "monthly_commitments": ("Vaste lasten", "Fixed commitments"),
    "assets.savings": ("Spaargeld", "Savings"),
    "assets.home_value": ("Waarde van de woning", "Value of the home"),
    "knowledge.levels.mortgage": ("Kennis van hypotheken", "Knowledge of mortgages"),
    "pension.employer_scheme": ("Pensioen via de werkgever", "Pension with an employer"),
    "pension.expected_yearly": ("Verwacht pensioen", "Expected pension"),
    "pension.aow_age": ("AOW-leeftijd", "State pension age"),
    "existing_products": ("Bestaande producten en polissen", "Existing products and policies"),
    "risk.answers": ("Risicovragenlijst", "Risk questionnaire"),
    "risk.loss_capacity": ("Bevestigde verliescapaciteit", "Confirmed capacity for loss"),
    "risk.horizon_years": ("Beleggingshorizon", "Investment horizon"),
    "knowledge.levels.investment": ("Kennis van beleggen", "Knowledge of investing"),
    "sustainability.asked": ("Duurzaamheidsvoorkeuren", "Sustainability preferences"),
    "objectives": ("Doelen", "Goals"),
}


def _client(data):
    return next((person for person in data.get("household", []) if person.get("role") == "client"), None)


def _known(path: str) -> Callable[[dict], bool]:
    def check(data):
        value = data
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        return value is not None and value != ""
    return check


HOUSEHOLD = Requirement(
    "household", lambda data: bool(_client(data) and _client(data).get("date_of_birth")
                                   and _client(data).get("employment")),
    "Geboortedatum en werksituatie bepalen welke producten en termijnen passen.",
    "Date of birth and employment decide which products and terms fit.")
INCOME = Requirement("income", lambda data: bool(data.get("income")),
                     "Uw inkomen bepaalt wat u kunt dragen en welk inkomen beschermd moet worden.",
                     "Your income decides what you can afford and which income needs protecting.")
COMMITMENTS = Requirement("monthly_commitments", _known("monthly_commitments"),
                          "Vaste lasten laten zien welke buffer en welke dekking u nodig hebt.",
                          "Fixed commitments show which buffer and which cover you need.")
SAVINGS = Requirement("assets.savings", _known("assets.savings"),
                      "Spaargeld is uw buffer voor tegenvallers.", "Savings are your buffer for setbacks.")
HOME = Requirement("assets.home_value", _known("assets.home_value"),
                   "De waarde van de woning bepaalt de financiering en de opstalverzekering.",
                   "The home's value decides the financing and the buildings cover.")
MORTGAGE_KNOWLEDGE = Requirement("knowledge.levels.mortgage", _known("knowledge.levels.mortgage"),
                                 "Wij moeten weten hoe bekend u bent met hypotheken (Wft).",
                                 "We must know how familiar you are with mortgages (Wft).")
PENSION_SCHEME = Requirement("pension.employer_scheme", _known("pension.employer_scheme"),
                             "Of u pensioen opbouwt bij een werkgever bepaalt uw pensioentekort.",
                             "Whether you build a pension with an employer decides your pension gap.")
PENSION_EXPECTED = Requirement("pension.expected_yearly", _known("pension.expected_yearly"),
                               "Uw verwachte pensioen (mijnpensioenoverzicht.nl) is nodig om het tekort te berekenen.",
                               "Your expected pension is needed to compute the gap.")
AOW_AGE = Requirement("pension.aow_age", _known("pension.aow_age"),
                      "Uw AOW-leeftijd bepaalt wanneer uw pensioen ingaat.",
                      "Your state pension age decides when your pension starts.")
EXISTING = Requirement("existing_products", lambda data: "existing_products" in data.get("answered_sections", []),
                       "Bestaande verzekeringen en producten voorkomen dubbele dekking.",
                       "Existing policies and products prevent double cover.")
RISK = Requirement("risk.answers", lambda data: all((data["risk"].get("answers") or {}).get(question)
                                                    for question in RISK_QUESTIONS),
                   "De risicovragenlijst bepaalt hoeveel risico u wilt nemen (MiFID II).",
                   "The risk questionnaire decides how much risk you want to take (MiFID II).")
CAPACITY = Requirement("risk.loss_capacity", lambda data: bool(data["risk"].get("loss_capacity")
                                                               and data["risk"].get("capacity_confirmed")),
                       "Hoeveel verlies u kunt dragen moet u zelf bevestigen.",
                       "You must confirm how much loss you can bear.")
HORIZON = Requirement("risk.horizon_years", _known("risk.horizon_years"),
                      "De beleggingshorizon bepaalt welke producten passen.",
                      "The investment horizon decides which products fit.")
INVESTMENT_KNOWLEDGE = Requirement("knowledge.levels.investment", _known("knowledge.levels.investment"),
                                   "Kennis en ervaring met beleggen zijn wettelijk verplicht om te vragen.",
                                   "Knowledge and experience of investing must be asked by law.")
SUSTAINABILITY = Requirement("sustainability.asked", lambda data: bool(data["sustainability"].get("asked")),
                             "Uw duurzaamheidsvoorkeuren moeten gevraagd zijn, ook als u die niet hebt.",
                             "Your sustainability preferences must be asked, even if you have none.")
OBJECTIVES = Requirement("objectives", lambda data: bool(data.get("objectives")),
                         "Advies begint bij uw doelen.", "Advice starts from your goals.")

COMMON = (HOUSEHOLD, INCOME, COMMITMENTS, SAVINGS)
REQUIRED: dict[str, tuple[Requirement, ...]] = {
    "mortgage": (*COMMON, HOME, MORTGAGE_KNOWLEDGE, OBJECTIVES, EXISTING),
    "pension": (*COMMON, PENSION_SCHEME, PENSION_EXPECTED, AOW_AGE, OBJECTIVES, RISK, CAPACITY),
    "income_protection": (*COMMON, EXISTING),
    "life": (*COMMON, EXISTING),
    "non_life": (*COMMON, HOME, EXISTING),
    "investment": (*COMMON, OBJECTIVES, RISK, CAPACITY, HORIZON, INVESTMENT_KNOWLEDGE, SUSTAINABILITY),
}


def missing_for(data: dict, domain: str) -> list[dict]:
    """The required information for ``domain`` that the profile lacks, each with why it is asked."""
    return [{"field": requirement.field, "label_nl": LABELS[requirement.field][0],
             "label_en": LABELS[requirement.field][1], "why_nl": requirement.why_nl, "why_en": requirement.why_en}
            for requirement in REQUIRED[domain] if not requirement.present(data)]


def incomplete_domains(data: dict) -> list[str]:
    return [domain for domain in DOMAINS if missing_for(data, domain)]


def contradictions(data: dict) -> list[dict]:
    """Answers that cannot both be true; the adviser resolves them with the client."""
    found = []
    derived = derive(data)
    if (derived["risk_tolerance"] or 0) >= 5 and data["risk"].get("loss_capacity") == "none":
        found.append({"code": "tolerance_without_capacity",
                      "text_nl": "Hoge risicobereidheid, maar geen ruimte om verlies te dragen.",
                      "text_en": "High risk tolerance, but no capacity to bear a loss."})
    horizon = data["risk"].get("horizon_years")
    investment_goals = [objective for objective in data.get("objectives", [])
                        if objective.get("type") in {"build_wealth", "retire_early", "children_study"}
                        and objective.get("horizon_years") is not None]
    if horizon is not None and any(objective["horizon_years"] > horizon for objective in investment_goals):
        found.append({"code": "horizon_shorter_than_goal",
                      "text_nl": "De beleggingshorizon is korter dan de termijn van een doel.",
                      "text_en": "The investment horizon is shorter than a goal's term."})
    income = sum(item.get("gross_yearly") or 0 for item in data.get("income", []))
    commitments = data.get("monthly_commitments")
    if data.get("income") and commitments is not None and commitments * 12 > income * NET_SHARE:
        found.append({"code": "commitments_above_income",
                      "text_nl": "De vaste lasten zijn hoger dan het netto-inkomen.",
                      "text_en": "Fixed commitments exceed the net income."})
    return found


# A rough gross-to-net ratio, only to spot impossible combinations, never for advice.
NET_SHARE = 0.7
