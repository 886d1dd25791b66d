"""Every verdict rule of DESIGN.md, with hand-written profiles and products."""

import pytest

from klantbelang.matching.engine import evaluate, match
from klantbelang.matching.profile import ProfileError, parse_profile
from klantbelang.matching.reasons import LABELLED_VALUES, LABELS

from .builders import BASE_PROFILE, product, profile


def verdict(axis, client=None, item=None):
    return evaluate(client or profile(), item or product()).verdicts[axis]


def test_the_base_pair_passes_everything():
    result = evaluate(profile(), product())
    assert result.verdicts == dict.fromkeys(
        ("client_type", "knowledge", "loss", "risk", "objectives", "horizon", "service", "sustainability"), "pass")
    assert result.eligible is True
    assert result.reasons == []


@pytest.mark.parametrize(("answers", "client_type", "expected"), [
    (("Y", "N"), "retail", "pass"),
    (("N", "Y"), "retail", "fail"),
    (("neutral", "Y"), "retail", "warn"),
    ((None, "Y"), "retail", "warn"),
    (("N", "Y"), "professional", "pass"),
    (("Y", "N"), "professional", "fail"),
])
def test_client_type_is_decided_by_the_clients_own_field(answers, client_type, expected):
    assert verdict("client_type", profile(client_type=client_type), product(client_type=answers)) == expected


@pytest.mark.parametrize(("answers", "knowledge", "expected"), [
    (("Y", None, None), "advanced", "pass"),  # fit for basic is fit for advanced
    (("Y", None, None), "informed", "pass"),
    ((None, "Y", None), "basic", "warn"),  # a Y above the client's level does not help
    ((None, "Y", "Y"), "basic", "warn"),
    (("N", "Y", "Y"), "basic", "fail"),
    (("Y", "Y", "N"), "advanced", "fail"),  # the client's own field N fails, whatever lower ones say
    (("N", "Y", None), "advanced", "pass"),  # a lower N does not fail a higher client
    ((None, None, None), "informed", "warn"),
    (("neutral", "neutral", "neutral"), "advanced", "warn"),
])
def test_knowledge_is_ordered(answers, knowledge, expected):
    assert verdict("knowledge", profile(knowledge=knowledge), product(knowledge=answers)) == expected


@pytest.mark.parametrize(("answers", "loss", "expected"), [
    (("Y", None, None, None), "beyond_capital", "pass"),
    (("Y", None, None, None), "limited", "pass"),
    ((None, None, "Y", None), "limited", "warn"),
    ((None, None, "Y", "N"), "no_guarantee", "pass"),
    ((None, None, "Y", "N"), "beyond_capital", "fail"),
    (("N", "Y", "Y", "Y"), "none", "fail"),
    ((None, None, None, None), "none", "warn"),
])
def test_ability_to_bear_loss_is_ordered(answers, loss, expected):
    assert verdict("loss", profile(ability_to_bear_loss=loss), product(loss=answers)) == expected


@pytest.mark.parametrize(("client_limit", "product_level", "expected"), [
    (10, 10.0, "pass"),
    (5, 10.0, "fail"),
    (20, 10.0, "pass"),
    (None, 10.0, "pass"),  # no stated limit: nothing to compare
    (5, None, "pass"),
])
def test_limited_loss_client_against_the_03030_level(client_limit, product_level, expected):
    client = profile(loss_limit_pct=client_limit)
    item = product(loss=(None, "Y", None, None), loss_level_pct=product_level)
    result = evaluate(client, item)
    assert result.verdicts["loss"] == expected
    if expected == "fail":
        assert result.reasons[0]["code"] == "loss_limit_exceeded"
        assert result.reasons[0]["text_en"] == "The product can lose up to 10%; the client can bear at most 5%."


def test_loss_level_applies_only_to_limited_clients():
    item = product(loss=(None, "Y", "Y", None), loss_level_pct=50.0)
    assert verdict("loss", profile(ability_to_bear_loss="no_guarantee", loss_limit_pct=1), item) == "pass"


@pytest.mark.parametrize(("sri", "tolerance", "expected"), [
    (3, 3, "pass"), (4, 3, "fail"), (1, 7, "pass"), (7, 6, "fail"), (None, 3, "warn"),
])
def test_risk(sri, tolerance, expected):
    assert verdict("risk", profile(risk_tolerance=tolerance), product(sri=sri)) == expected


@pytest.mark.parametrize(("answers", "objectives", "expected"), [
    (("Y", "N", None, None, None), ["preservation"], "pass"),
    (("Y", "N", None, None, None), ["preservation", "growth"], "fail"),  # any N fails
    (("neutral", "Y", None, None, None), ["preservation", "growth"], "pass"),  # else any Y passes
    (("neutral", None, None, None, None), ["preservation", "growth"], "warn"),
    (("Y", "Y", "Y", "Y", "Y"), [], "warn"),
])
def test_objectives(answers, objectives, expected):
    assert verdict("objectives", profile(objectives=objectives), product(objectives=answers)) == expected


@pytest.mark.parametrize(("minimum", "horizon", "expected"), [
    (3.0, 5, "pass"), (5.0, 5, "pass"), (5.0, 4, "fail"), (0.0, 0, "pass"), (None, 5, "warn"),
])
def test_horizon(minimum, horizon, expected):
    assert verdict("horizon", profile(horizon_years=horizon), product(min_horizon_years=minimum)) == expected


@pytest.mark.parametrize(("service", "expected"), [
    ("execution_only", "fail"), ("advice", "pass"), ("portfolio_management", "pass"),
])
def test_service(service, expected):
    assert verdict("service", profile(service=service)) == expected


def test_service_neutral_warns():
    assert verdict("service", profile(), product(service=(None, None, "neutral", None))) == "warn"


SUSTAINABLE = {"taxonomy_min_pct": 10, "sfdr_sustainable_min_pct": 20, "pai": True}


@pytest.mark.parametrize(("preference", "facts", "expected"), [
    ({"taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0, "pai": False}, {}, "pass"),  # no preferences
    (SUSTAINABLE, {}, "warn"),  # no data
    (SUSTAINABLE, {"taxonomy_pct": 15.0, "sustainable_pct": 25.0, "pai_considered": True}, "pass"),
    (SUSTAINABLE, {"taxonomy_pct": 5.0, "sustainable_pct": 25.0, "pai_considered": True}, "fail"),
    (SUSTAINABLE, {"taxonomy_pct": 15.0, "sustainable_pct": 25.0, "pai_considered": False}, "fail"),
    (SUSTAINABLE, {"taxonomy_pct": 15.0, "sustainable_pct": None, "pai_considered": True}, "warn"),
    (SUSTAINABLE, {"taxonomy_pct": 5.0, "sustainable_pct": None, "pai_considered": None}, "fail"),
    ({"taxonomy_min_pct": 0, "sfdr_sustainable_min_pct": 0, "pai": True}, {"pai_considered": True}, "pass"),
])
def test_sustainability(preference, facts, expected):
    assert verdict("sustainability", profile(sustainability=preference), product(**facts)) == expected


def test_unmet_sustainability_preference_says_which_one():
    result = evaluate(profile(sustainability=SUSTAINABLE),
                      product(taxonomy_pct=5.0, sustainable_pct=25.0, pai_considered=False))
    assert result.reasons == [{
        "axis": "sustainability", "code": "sustainability_preference_unmet",
        "text_nl": "Het product haalt de duurzaamheidsvoorkeur van de klant niet: taxonomie-afgestemd 5% < 10%, "
                   "ongunstige effecten (PAI) niet meegewogen.",
        "text_en": "The product does not meet the client's sustainability preference: taxonomy-aligned 5% < 10%, "
                   "adverse impacts (PAI) not considered.",
    }]


def test_need_and_entry_age_axes_appear_only_when_the_profile_names_them():
    assert "need" not in evaluate(profile(), product()).verdicts
    funeral = product(needs_served=("funeral_cover",), min_entry_age=18, max_entry_age=70)
    assert evaluate(profile(need_type="funeral_cover", age=40), funeral).verdicts["need"] == "pass"
    assert evaluate(profile(need_type="death_cover", age=40), funeral).verdicts["need"] == "fail"
    assert evaluate(profile(need_type="death_cover", age=40), product()).verdicts["need"] == "warn"
    assert evaluate(profile(age=71), funeral).verdicts["entry_age"] == "fail"
    assert evaluate(profile(age=17), funeral).verdicts["entry_age"] == "fail"
    assert evaluate(profile(age=70), funeral).verdicts["entry_age"] == "pass"
    assert evaluate(profile(age=90), product()).verdicts["entry_age"] == "pass"


def test_eligible_is_false_exactly_when_an_axis_fails_and_each_non_pass_has_a_reason():
    result = evaluate(profile(risk_tolerance=2, service="execution_only"), product(sri=None))
    assert result.verdicts["risk"] == "warn"
    assert result.verdicts["service"] == "fail"
    assert result.eligible is False
    assert [(item["axis"], item["code"]) for item in result.reasons] == [
        ("risk", "risk_missing"), ("service", "service_negative")]
    assert result.reasons[1]["text_nl"] == "Het product wordt niet verspreid via execution only."


def test_score_weighs_the_components():
    perfect = evaluate(profile(horizon_years=8), product(min_horizon_years=3.0, ongoing_cost_pct=0.0))
    # axes 1.0, coverage 1.0 (growth Y), cost 1.0, horizon margin (8-3)/5 = 1.0, sustainability 1.0
    assert perfect.score == pytest.approx(1.0)
    costly = evaluate(profile(horizon_years=8), product(min_horizon_years=3.0, ongoing_cost_pct=1.5))
    assert costly.score == pytest.approx(1.0 - 0.2 * 0.5)
    unknown = evaluate(profile(horizon_years=8), product(min_horizon_years=None, ongoing_cost_pct=None, sri=None))
    # two of eight axes warn (risk, horizon): axis fit (6·1 + 2·0.5) / 8 = 0.875
    assert unknown.score == pytest.approx(0.35 * 0.875 + 0.25 + 0.2 * 0.5 + 0.1 * 0.5 + 0.1)


def test_ranking_is_eligible_first_then_score_then_code():
    items = [
        product(code="B", ongoing_cost_pct=0.5),
        product(code="A", ongoing_cost_pct=0.5),
        product(code="C", ongoing_cost_pct=0.1, sri=7),  # best score, but not eligible
        product(code="D", ongoing_cost_pct=0.1),
    ]
    ranked = match(profile(), items)
    assert [entry["code"] for entry in ranked] == ["D", "A", "B", "C"]
    assert [entry["eligible"] for entry in ranked] == [True, True, True, False]
    assert set(ranked[0]) == {"code", "name", "eligible", "score", "axes", "reasons"}


def test_remuneration_cannot_influence_the_ranking():
    """Two products that differ only in what they pay the firm rank identically: the engine has
    no input for it, so whatever rides along is ignored."""
    import dataclasses

    fields = {field.name for field in dataclasses.fields(product())}
    assert not {name for name in fields if any(word in name for word in ("commission", "fee", "remuneration",
                                                                          "provision", "inducement"))}
    first, second = product(code="X1"), product(code="X2")
    ranked = match(profile(), [second, first])
    assert ranked[0]["score"] == ranked[1]["score"]
    assert [entry["code"] for entry in ranked] == ["X1", "X2"]


@pytest.mark.parametrize(("change", "field"), [
    ({"client_type": "company"}, "client_type"),
    ({"risk_tolerance": 8}, "risk_tolerance"),
    ({"risk_tolerance": True}, "risk_tolerance"),
    ({"objectives": ["speculation"]}, "objectives"),
    ({"horizon_years": -1}, "horizon_years"),
    ({"horizon_years": "lang"}, "horizon_years"),
    ({"loss_limit_pct": 120}, "loss_limit_pct"),
    ({"sustainability": {"pai": "ja"}}, "sustainability.pai"),
    ({"service": None}, "service"),
])
def test_invalid_profiles_name_the_field(change, field):
    with pytest.raises(ProfileError) as error:
        parse_profile({**BASE_PROFILE, **change})
    assert list(error.value.errors) == [field]


def test_every_vocabulary_word_has_a_label_in_both_languages():
    assert set(LABELS["nl"]) == set(LABELS["en"]) == set(LABELLED_VALUES)
