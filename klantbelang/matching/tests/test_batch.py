"""The batch engine gives exactly the per-pair reference's verdicts and scores."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from klantbelang.matching import engine
from klantbelang.matching.batch import AXES, VERDICT_NAMES, Catalogue, evaluate_batch, match_one
from klantbelang.matching.product import ProductProfile
from klantbelang.matching.profile import parse_profile
from klantbelang.matching.vocabulary import KNOWLEDGE_LEVELS, LOSS_LEVELS, OBJECTIVES, SERVICES

answers = st.sampled_from(["Y", "N", "neutral", None])
maybe_pct = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1)))
NEEDS = ["death_cover", "funeral_cover", "income_protection", "pension_gap"]

products = st.builds(
    ProductProfile,
    code=st.text(alphabet="ABCDEFGHIJ0123456789", min_size=1, max_size=12),
    name=st.just("Product"),
    client_type=st.tuples(answers, answers),
    knowledge=st.tuples(answers, answers, answers),
    loss=st.tuples(answers, answers, answers, answers),
    loss_level_pct=maybe_pct,
    sri=st.one_of(st.none(), st.integers(1, 7)),
    objectives=st.tuples(answers, answers, answers, answers, answers),
    min_horizon_years=st.one_of(st.none(), st.sampled_from([0.0, 1.0, 3.0, 5.0]), st.integers(0, 30).map(float)),
    service=st.tuples(answers, answers, answers, answers),
    taxonomy_pct=maybe_pct,
    sustainable_pct=maybe_pct,
    pai_considered=st.one_of(st.none(), st.booleans()),
    needs_served=st.lists(st.sampled_from(NEEDS[:3]), unique=True, max_size=2).map(tuple),
    min_entry_age=st.one_of(st.none(), st.integers(0, 40)),
    max_entry_age=st.one_of(st.none(), st.integers(40, 90)),
    ongoing_cost_pct=st.one_of(st.none(), st.floats(min_value=0, max_value=5, allow_nan=False)),
)

profiles = st.fixed_dictionaries({
    "client_type": st.sampled_from(["retail", "professional"]),
    "knowledge": st.sampled_from(KNOWLEDGE_LEVELS),
    "ability_to_bear_loss": st.sampled_from(LOSS_LEVELS),
    "loss_limit_pct": maybe_pct,
    "risk_tolerance": st.integers(1, 7),
    "objectives": st.lists(st.sampled_from(OBJECTIVES), unique=True, max_size=3),
    "horizon_years": st.one_of(st.integers(0, 40), st.floats(min_value=0, max_value=40, allow_nan=False)),
    "service": st.sampled_from(SERVICES),
    "sustainability": st.fixed_dictionaries({
        "taxonomy_min_pct": st.sampled_from([0, 0, 5, 20.5]),
        "sfdr_sustainable_min_pct": st.sampled_from([0, 0, 10, 50]),
        "pai": st.booleans(),
    }),
}, optional={"need_type": st.sampled_from(NEEDS), "age": st.integers(0, 100)}).map(parse_profile)


@settings(max_examples=150, deadline=None)
@given(clients=st.lists(profiles, min_size=1, max_size=6), shelf=st.lists(products, min_size=1, max_size=12))
def test_batch_equals_the_per_pair_reference_for_every_pair(clients, shelf):
    result = evaluate_batch(clients, Catalogue(shelf), chunk_size=4)
    for client_index, client in enumerate(clients):
        applicable = engine.axes_for(client)
        for product_index, product in enumerate(shelf):
            reference = engine.evaluate(client, product)
            codes = result.verdicts[:, client_index, product_index]
            batch_verdicts = {axis: VERDICT_NAMES[codes[AXES.index(axis)]] for axis in applicable}
            assert batch_verdicts == reference.verdicts
            assert all(codes[AXES.index(axis)] == -1 for axis in AXES if axis not in applicable)
            assert bool(result.eligible[client_index, product_index]) == reference.eligible
            assert result.scores[client_index, product_index] == reference.score


@settings(max_examples=100, deadline=None)
@given(client=profiles, shelf=st.lists(products, min_size=0, max_size=15))
def test_match_one_gives_the_reference_output(client, shelf):
    assert match_one(client, Catalogue(shelf)) == engine.match(client, shelf)


def test_scores_stay_within_zero_and_one():
    from .builders import product, profile

    shelf = [product(code=str(i), ongoing_cost_pct=float(i), sri=1 + i % 7) for i in range(10)]
    result = evaluate_batch([profile(), profile(risk_tolerance=7, horizon_years=30)], Catalogue(shelf))
    assert np.all((result.scores >= 0) & (result.scores <= 1))
    assert result.verdicts.shape == (len(AXES), 2, 10)
