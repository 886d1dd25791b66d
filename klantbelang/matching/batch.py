"""The vectorised engine: whole books (clients × products) as numpy arrays.

Gives exactly the verdicts and scores of ``engine.evaluate`` for every pair (a hypothesis test
checks this). Products become a ``Catalogue`` once, with every per-product verdict that depends
only on a client *category* precomputed (e.g. the knowledge verdict for each of the three
levels), so that a client's verdict is a row gather instead of arithmetic; only the axes that
compare continuous values (horizon, loss limit, entry age) are computed per pair.
``evaluate_batch`` works through clients in chunks so memory stays bounded; ``match_one``
produces the full match output of one client against a catalogue.
"""

from dataclasses import dataclass
from itertools import product as cartesian

import numpy as np

from . import engine
from .product import ProductProfile
from .profile import ClientProfile
from .vocabulary import BASE_AXES, CLIENT_TYPES, KNOWLEDGE_LEVELS, LOSS_LEVELS, NO, OBJECTIVES, SERVICES, YES

PASS_CODE, WARN_CODE, FAIL_CODE, ABSENT_CODE = 0, 1, 2, -1
VERDICT_NAMES = ("pass", "warn", "fail")
AXES = (*BASE_AXES, "need", "entry_age")
AXIS_INDEX = {axis: index for index, axis in enumerate(AXES)}
_CATEGORY = np.array([FAIL_CODE, WARN_CODE, PASS_CODE], dtype=np.int8)  # indexed by answer + 1
_OBJECTIVE_MASKS = list(cartesian((False, True), repeat=len(OBJECTIVES)))  # every set of objectives


def _answers(rows, width: int) -> np.ndarray:
    """Y → 1, N → -1, neutral or not stated → 0; shape (products, width)."""
    return np.array([[1 if answer == YES else -1 if answer == NO else 0 for answer in row] for row in rows],
                    dtype=np.int8).reshape(len(rows), width)


def _floats(values) -> np.ndarray:
    return np.array([np.nan if value is None else float(value) for value in values], dtype=np.float64)


def _ordered(answers: np.ndarray) -> np.ndarray:
    """(levels, products) verdicts of an ordered axis for a client at each level."""
    yes_upto = np.logical_or.accumulate(answers == 1, axis=1)
    return np.where(answers == -1, FAIL_CODE, np.where(yes_upto, PASS_CODE, WARN_CODE)).T.astype(np.int8).copy()


def _mask_code(objectives) -> int:
    return sum(1 << (len(OBJECTIVES) - 1 - OBJECTIVES.index(objective)) for objective in set(objectives))


class Catalogue:
    """Products as column arrays and per-category verdict tables, built once per shelf."""

    def __init__(self, products: list[ProductProfile]):
        self.products = list(products)
        self.size = size = len(self.products)
        p = self.products
        self.codes = np.array([item.code for item in p], dtype=str)
        self.client_type = _CATEGORY[_answers([item.client_type for item in p], len(CLIENT_TYPES)).T + 1].copy()
        self.service = _CATEGORY[_answers([item.service for item in p], len(SERVICES)).T + 1].copy()
        self.knowledge = _ordered(_answers([item.knowledge for item in p], len(KNOWLEDGE_LEVELS)))
        self.loss = _ordered(_answers([item.loss for item in p], len(LOSS_LEVELS)))
        self.loss_level = _floats([item.loss_level_pct for item in p])

        sri = _floats([item.sri for item in p])
        self.risk = np.array([np.where(np.isnan(sri), WARN_CODE, np.where(sri > tolerance, FAIL_CODE, PASS_CODE))
                              for tolerance in range(0, 8)], dtype=np.int8).reshape(8, size)

        # Objectives: verdict and coverage for every possible set of client objectives (32 rows).
        objectives = _answers([item.objectives for item in p], len(OBJECTIVES))
        objective_fit = np.where(objectives == 1, 1.0, np.where(objectives == -1, 0.0, 0.5))
        self.objectives = np.empty((len(_OBJECTIVE_MASKS), size), dtype=np.int8)
        self.coverage = np.empty((len(_OBJECTIVE_MASKS), size), dtype=np.float64)
        for code, mask in enumerate(_OBJECTIVE_MASKS):
            chosen = np.array(mask, dtype=bool)
            count = int(chosen.sum())
            picked = objectives[:, chosen]
            self.objectives[code] = np.where((picked == -1).any(axis=1), FAIL_CODE,
                                             np.where((picked == 1).any(axis=1), PASS_CODE, WARN_CODE))
            self.coverage[code] = objective_fit[:, chosen].sum(axis=1) / count if count else 0.5

        self.min_horizon = _floats([item.min_horizon_years for item in p])
        self.min_horizon_unknown = np.isnan(self.min_horizon)
        self.taxonomy = _floats([item.taxonomy_pct for item in p])
        self.sustainable = _floats([item.sustainable_pct for item in p])
        self.pai = np.array([-1 if item.pai_considered is None else int(item.pai_considered) for item in p],
                            dtype=np.int8)

        # Need: one row per need type any product serves, and a last row for a need none serves.
        self.need_types = sorted({need for item in p for need in item.needs_served})
        has_needs = np.array([bool(item.needs_served) for item in p], dtype=bool)
        self.need = np.empty((len(self.need_types) + 1, size), dtype=np.int8)
        for row, need in enumerate([*self.need_types, None]):
            served = np.array([need in item.needs_served for item in p], dtype=bool)
            self.need[row] = np.where(~has_needs, WARN_CODE, np.where(served, PASS_CODE, FAIL_CODE))
        self.need_fit = np.where(self.need == PASS_CODE, 1.0, np.where(self.need == WARN_CODE, 0.5, 0.0))

        self.min_age = _floats([item.min_entry_age for item in p])
        self.max_age = _floats([item.max_entry_age for item in p])
        cost = _floats([item.ongoing_cost_pct for item in p])
        self.cost_fit = np.where(np.isnan(cost), 0.5,
                                 1.0 - np.minimum(cost, engine.COST_CAP_PCT) / engine.COST_CAP_PCT)


class ClientBatch:
    """Client profiles as column arrays of category indexes and values."""

    def __init__(self, profiles: list[ClientProfile], need_types: list[str]):
        c = list(profiles)
        self.size = len(c)
        self.client_type = np.array([CLIENT_TYPES.index(item.client_type) for item in c], dtype=np.intp)
        self.knowledge = np.array([KNOWLEDGE_LEVELS.index(item.knowledge) for item in c], dtype=np.intp)
        self.loss = np.array([LOSS_LEVELS.index(item.ability_to_bear_loss) for item in c], dtype=np.intp)
        self.loss_limit = _floats([item.loss_limit_pct if item.ability_to_bear_loss == "limited" else None
                                   for item in c])
        self.risk = np.array([item.risk_tolerance for item in c], dtype=np.intp)
        self.objectives = np.array([_mask_code(item.objectives) for item in c], dtype=np.intp)
        self.horizon = _floats([item.horizon_years for item in c])
        self.service = np.array([SERVICES.index(item.service) for item in c], dtype=np.intp)
        preferences = [(item.sustainability.taxonomy_min_pct, item.sustainability.sfdr_sustainable_min_pct,
                        item.sustainability.pai) for item in c]
        self.preference_kinds = sorted(set(preferences))
        self.preference = np.array([self.preference_kinds.index(item) for item in preferences], dtype=np.intp)
        self.has_need = np.array([item.need_type is not None for item in c], dtype=bool)
        # A need type that no product serves takes the last row: "not served" wherever needs are listed.
        self.need = np.array([need_types.index(item.need_type) if item.need_type in need_types else len(need_types)
                              for item in c], dtype=np.intp)
        self.age = _floats([item.age for item in c])
        self.axis_count = len(BASE_AXES) + self.has_need.astype(int) + (~np.isnan(self.age)).astype(int)


def _sustainability_tables(kinds, catalogue: Catalogue) -> tuple[np.ndarray, np.ndarray]:
    """Verdict and fit rows for each distinct sustainability preference (few per book)."""
    verdicts = np.empty((len(kinds), catalogue.size), dtype=np.int8)
    fits = np.empty((len(kinds), catalogue.size), dtype=np.float64)
    for row, (taxonomy_min, sustainable_min, pai) in enumerate(kinds):
        fit_sum = np.zeros(catalogue.size)
        count = 0
        gap = np.zeros(catalogue.size, dtype=bool)
        missing = np.zeros(catalogue.size, dtype=bool)
        for client_min, value in ((taxonomy_min, catalogue.taxonomy), (sustainable_min, catalogue.sustainable)):
            if client_min <= 0:
                continue
            unknown = np.isnan(value)
            fit_sum = fit_sum + np.where(unknown, 0.5, np.minimum(1.0, value / client_min))
            count += 1
            missing |= unknown
            gap |= ~unknown & (value < client_min)
        if pai:
            fit_sum = fit_sum + np.where(catalogue.pai == -1, 0.5, np.where(catalogue.pai == 1, 1.0, 0.0))
            count += 1
            missing |= catalogue.pai == -1
            gap |= catalogue.pai == 0
        if count == 0:
            verdicts[row], fits[row] = PASS_CODE, 1.0
        else:
            verdicts[row] = np.where(gap, FAIL_CODE, np.where(missing, WARN_CODE, PASS_CODE))
            fits[row] = fit_sum / count
    return verdicts, fits


@dataclass
class BatchResult:
    verdicts: np.ndarray  # (axes, clients, products) int8: 0 pass, 1 warn, 2 fail, -1 not applicable
    scores: np.ndarray  # (clients, products) float64

    @property
    def eligible(self) -> np.ndarray:
        return ~(self.verdicts == FAIL_CODE).any(axis=0)


def _evaluate_chunk(clients: ClientBatch, lo: int, hi: int, catalogue: Catalogue, sustainability, out=None):
    """Verdicts (axes, n, P) and scores (n, P) for clients[lo:hi]."""
    n, size = hi - lo, catalogue.size
    verdicts = out if out is not None else np.empty((len(AXES), n, size), dtype=np.int8)
    sl = slice(lo, hi)

    np.take(catalogue.client_type, clients.client_type[sl], axis=0, out=verdicts[0])
    np.take(catalogue.knowledge, clients.knowledge[sl], axis=0, out=verdicts[1])
    np.take(catalogue.loss, clients.loss[sl], axis=0, out=verdicts[2])
    # A client who can bear limited loss fails a product whose 03030 level is above their limit
    # (comparisons with NaN are False: no limit or no level, no failure).
    exceeded = clients.loss_limit[sl][:, None] < catalogue.loss_level[None, :]
    np.maximum(verdicts[2], exceeded.view(np.int8) * np.int8(FAIL_CODE), out=verdicts[2])
    np.take(catalogue.risk, clients.risk[sl], axis=0, out=verdicts[3])
    np.take(catalogue.objectives, clients.objectives[sl], axis=0, out=verdicts[4])

    horizon = clients.horizon[sl][:, None]
    minimum = catalogue.min_horizon[None, :]
    horizon_unknown = catalogue.min_horizon_unknown[None, :] | np.isnan(horizon)
    verdicts[5] = np.where(horizon_unknown, np.int8(WARN_CODE), (minimum > horizon).view(np.int8) * np.int8(2))

    np.take(catalogue.service, clients.service[sl], axis=0, out=verdicts[6])
    sustainability_verdicts, sustainability_fits = sustainability
    preference = clients.preference[sl]
    np.take(sustainability_verdicts, preference, axis=0, out=verdicts[7])

    has_need = clients.has_need[sl]
    need = clients.need[sl]
    if has_need.any():
        np.take(catalogue.need, need, axis=0, out=verdicts[8])
        verdicts[8][~has_need] = ABSENT_CODE
    else:
        verdicts[8] = ABSENT_CODE

    age = clients.age[sl]
    if np.isnan(age).all():
        verdicts[9] = ABSENT_CODE
    else:
        too_young = age[:, None] < catalogue.min_age[None, :]
        too_old = age[:, None] > catalogue.max_age[None, :]
        verdicts[9] = (too_young | too_old).view(np.int8) * np.int8(FAIL_CODE)
        verdicts[9][np.isnan(age)] = ABSENT_CODE

    # The score. Axis fit: pass 1, warn ½, fail 0 — sums of halves are exact in binary, so this
    # equals engine.score's running sum to the last bit.
    present = np.maximum(verdicts, 0).sum(axis=0, dtype=np.int16)
    axis_fit = (clients.axis_count[sl][:, None] - present * 0.5) / clients.axis_count[sl][:, None]
    coverage = catalogue.coverage[clients.objectives[sl]]
    if has_need.any():
        coverage = np.where(has_need[:, None], (coverage + catalogue.need_fit[need]) / 2, coverage)
    margin = np.minimum(np.maximum((horizon - minimum) / engine.HORIZON_MARGIN_YEARS, 0.0), 1.0)
    horizon_fit = np.where(horizon_unknown, 0.5, margin)
    weights = engine.WEIGHTS
    scores = (weights[0] * axis_fit + weights[1] * coverage + weights[2] * catalogue.cost_fit[None, :]
              + weights[3] * horizon_fit + weights[4] * sustainability_fits[preference])
    return verdicts, scores


def iter_chunks(profiles: list[ClientProfile], catalogue: Catalogue, *, chunk_size: int = 1000):
    """Yield (first client index, verdicts (axes, n, P), scores (n, P)) chunk by chunk, for books too
    large to hold at once. The verdict buffer is reused between chunks: copy what you keep."""
    clients = ClientBatch(profiles, catalogue.need_types)
    sustainability = _sustainability_tables(clients.preference_kinds, catalogue)
    buffer = np.empty((len(AXES), min(chunk_size, max(clients.size, 1)), catalogue.size), dtype=np.int8)
    for lo in range(0, clients.size, chunk_size):
        hi = min(lo + chunk_size, clients.size)
        verdicts, scores = _evaluate_chunk(clients, lo, hi, catalogue, sustainability, out=buffer[:, : hi - lo])
        yield lo, verdicts, scores


def evaluate_batch(profiles: list[ClientProfile], catalogue: Catalogue, *, chunk_size: int = 1000) -> BatchResult:
    """Verdicts and scores for every client × product."""
    count = len(profiles)
    verdicts = np.empty((len(AXES), count, catalogue.size), dtype=np.int8)
    scores = np.empty((count, catalogue.size), dtype=np.float64)
    for lo, chunk_verdicts, chunk_scores in iter_chunks(profiles, catalogue, chunk_size=chunk_size):
        hi = lo + chunk_scores.shape[0]
        verdicts[:, lo:hi] = chunk_verdicts
        scores[lo:hi] = chunk_scores
    return BatchResult(verdicts=verdicts, scores=scores)


def _reason_key(axis: str, product: ProductProfile):
    """What, besides the verdict and the (fixed) client, the reason for ``axis`` depends on."""
    if axis == "loss":
        return product.loss, product.loss_level_pct
    if axis == "risk":
        return product.sri
    if axis == "objectives":
        return product.objectives
    if axis == "horizon":
        return product.min_horizon_years
    if axis == "sustainability":
        return product.taxonomy_pct, product.sustainable_pct, product.pai_considered
    if axis == "entry_age":
        return product.min_entry_age, product.max_entry_age
    return None


def _reason_keys(catalogue: Catalogue, axis: str) -> list:
    keys = catalogue.__dict__.setdefault("_reason_keys", {})
    if axis not in keys:
        keys[axis] = [_reason_key(axis, product) for product in catalogue.products]
    return keys[axis]


def match_one(profile: ClientProfile, catalogue: Catalogue) -> list[dict]:
    """The match output of DESIGN.md for one client, identical to ``engine.match``.

    Verdicts come from the vectorised tables; reasons repeat across a shelf and, for one client,
    depend on a few product facts only, so each distinct reason is built once. Entries share
    those reason and axis dicts: treat the output as read-only.
    """
    clients = ClientBatch([profile], catalogue.need_types)
    sustainability = _sustainability_tables(clients.preference_kinds, catalogue)
    verdicts, scores = _evaluate_chunk(clients, 0, 1, catalogue, sustainability)
    axes = engine.axes_for(profile)
    table = verdicts[[AXIS_INDEX[axis] for axis in axes], 0, :]
    names = VERDICT_NAMES
    products = catalogue.products
    reasons: list[list] = [[] for _ in products]
    for position, axis in enumerate(axes):
        codes = table[position]
        failing = np.flatnonzero(codes).tolist()
        if not failing:
            continue
        keys = _reason_keys(catalogue, axis)
        cache: dict = {}
        for index, code in zip(failing, codes[failing].tolist(), strict=True):
            key = (code, keys[index])
            found = cache.get(key)
            if found is None:
                found = cache[key] = engine.reason_for(axis, names[code], profile, products[index])
            reasons[index].append(found)
    eligible = (table != FAIL_CODE).all(axis=0)
    rounded = [round(fit, 4) for fit in scores[0].tolist()]
    # The ranking of engine.rank — eligible first, then score, then code — as one stable sort.
    order = np.lexsort((catalogue.codes, -np.array(rounded), ~eligible)).tolist() if products else []
    rows = table.T.tolist()
    eligible = eligible.tolist()
    axis_dicts: dict = {}
    entries = []
    for index in order:
        row = rows[index]
        key = tuple(row)
        axis_verdicts = axis_dicts.get(key)
        if axis_verdicts is None:
            axis_verdicts = axis_dicts[key] = dict(zip(axes, [names[code] for code in row], strict=True))
        product = products[index]
        entries.append({"code": product.code, "name": product.name, "eligible": eligible[index],
                        "score": rounded[index], "axes": axis_verdicts, "reasons": reasons[index]})
    return entries
