"""The client side of a match: the profile JSON of DESIGN.md, validated into a ClientProfile."""

from dataclasses import dataclass, field

from .vocabulary import CLIENT_TYPES, KNOWLEDGE_LEVELS, LOSS_LEVELS, OBJECTIVES, SERVICES


class ProfileError(ValueError):
    """An invalid profile; ``errors`` maps each bad field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))


@dataclass(frozen=True)
class Sustainability:
    taxonomy_min_pct: float = 0.0
    sfdr_sustainable_min_pct: float = 0.0
    pai: bool = False

    @property
    def has_preferences(self) -> bool:
        return self.taxonomy_min_pct > 0 or self.sfdr_sustainable_min_pct > 0 or self.pai


@dataclass(frozen=True)
class ClientProfile:
    client_type: str
    knowledge: str
    ability_to_bear_loss: str
    risk_tolerance: int
    objectives: tuple[str, ...]
    horizon_years: float | None
    service: str
    loss_limit_pct: float | None = None
    sustainability: Sustainability = field(default_factory=Sustainability)
    need_type: str | None = None
    age: int | None = None

    def to_json(self) -> dict:
        data = {
            "client_type": self.client_type, "knowledge": self.knowledge,
            "ability_to_bear_loss": self.ability_to_bear_loss, "loss_limit_pct": self.loss_limit_pct,
            "risk_tolerance": self.risk_tolerance, "objectives": list(self.objectives),
            "horizon_years": self.horizon_years, "service": self.service,
            "sustainability": {"taxonomy_min_pct": self.sustainability.taxonomy_min_pct,
                               "sfdr_sustainable_min_pct": self.sustainability.sfdr_sustainable_min_pct,
                               "pai": self.sustainability.pai},
        }
        if self.need_type is not None:
            data["need_type"] = self.need_type
        if self.age is not None:
            data["age"] = self.age
        return data


def _choice(data, name, choices, errors):
    value = data.get(name)
    if value not in choices:
        errors[name] = f"must be one of {', '.join(choices)}"
    return value


def _number(value, name, errors, *, low=None, high=None, required=True):
    if value is None:
        if required:
            errors[name] = "is required"
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors[name] = "must be a number"
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        errors[name] = f"must be between {low} and {high}"
        return None
    return float(value)


def parse_profile(data) -> ClientProfile:
    """Validate the profile JSON; raises ProfileError naming every bad field at once."""
    if not isinstance(data, dict):
        raise ProfileError({"profile": "must be a JSON object"})
    errors: dict[str, str] = {}
    client_type = _choice(data, "client_type", CLIENT_TYPES, errors)
    knowledge = _choice(data, "knowledge", KNOWLEDGE_LEVELS, errors)
    loss = _choice(data, "ability_to_bear_loss", LOSS_LEVELS, errors)
    service = _choice(data, "service", SERVICES, errors)
    risk = data.get("risk_tolerance")
    if isinstance(risk, bool) or not isinstance(risk, int) or not 1 <= risk <= 7:
        errors["risk_tolerance"] = "must be a whole number from 1 to 7"
    objectives = data.get("objectives", [])
    if not isinstance(objectives, list) or any(item not in OBJECTIVES for item in objectives):
        errors["objectives"] = f"must be a list of {', '.join(OBJECTIVES)}"
        objectives = []
    horizon = _number(data.get("horizon_years"), "horizon_years", errors, low=0, high=100)
    loss_limit = _number(data.get("loss_limit_pct"), "loss_limit_pct", errors, low=0, high=100, required=False)
    sustainability_data = data.get("sustainability") or {}
    if not isinstance(sustainability_data, dict):
        errors["sustainability"] = "must be an object"
        sustainability_data = {}
    taxonomy = _number(sustainability_data.get("taxonomy_min_pct", 0), "sustainability.taxonomy_min_pct", errors,
                       low=0, high=100)
    sfdr = _number(sustainability_data.get("sfdr_sustainable_min_pct", 0),
                   "sustainability.sfdr_sustainable_min_pct", errors, low=0, high=100)
    pai = sustainability_data.get("pai", False)
    if not isinstance(pai, bool):
        errors["sustainability.pai"] = "must be true or false"
    need_type = data.get("need_type")
    if need_type is not None and (not isinstance(need_type, str) or not need_type):
        errors["need_type"] = "must be a need type"
    age = data.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130):
        errors["age"] = "must be a whole number of years"
    if errors:
        raise ProfileError(errors)
    return ClientProfile(
        client_type=client_type, knowledge=knowledge, ability_to_bear_loss=loss, risk_tolerance=risk,
        objectives=tuple(dict.fromkeys(objectives)), horizon_years=horizon, service=service,
        loss_limit_pct=loss_limit,
        sustainability=Sustainability(taxonomy or 0.0, sfdr or 0.0, bool(pai)),
        need_type=need_type, age=age,
    )
