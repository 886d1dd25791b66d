import pytest

from klantbelang.quality import scores, signals


@pytest.mark.parametrize(("value", "expected"), [
    (0.49, 1), (0.5, 2), (0.7499, 2), (0.75, 3), (0.8999, 3), (0.9, 4), (0.9699, 4), (0.97, 4), (1.0, 4)])
def test_inventory_thresholds_without_file_checks(value, expected):
    assert scores.score("inventory", {"complete_profiles": value}).value == expected


def test_five_needs_the_top_threshold_and_a_clean_file_check():
    assert scores.score("inventory", {"complete_profiles": 0.97}, file_checks=(2, 0)).value == 5
    assert scores.score("inventory", {"complete_profiles": 0.97}, file_checks=(2, 1)).value == 4
    assert scores.score("inventory", {"complete_profiles": 0.96}, file_checks=(2, 0)).value == 4
    rule = scores.score("inventory", {"complete_profiles": 0.97}, file_checks=(0, 0)).rule
    assert "97%" in rule


@pytest.mark.parametrize(("value", "expected"), [
    (0.61, 1), (0.6, 2), (0.41, 2), (0.4, 3), (0.26, 3), (0.25, 4), (0.1, 4)])
def test_lower_is_better_rules(value, expected):
    assert scores.score("fees", {"fee_estimate_gap": value}).value == expected


@pytest.mark.parametrize(("module", "metric", "boundaries"), [
    ("advice_fit", "within_target_market", (0.6, 0.8, 0.9)), ("four_eyes", "first_time_right", (0.4, 0.6, 0.75)),
    ("aftercare", "reviews_delivered", (0.4, 0.6, 0.8)), ("client_voice", "satisfaction", (3.0, 3.5, 4.0)),
])
def test_every_rule_at_its_boundaries(module, metric, boundaries):
    for level, threshold in enumerate(boundaries, start=2):
        assert scores.score(module, {metric: threshold}).value == level
        assert scores.score(module, {metric: threshold - 0.0001}).value == level - 1


def test_prospect_time_rule_boundaries():
    assert scores.score("prospect_time", {"prospect_hours_lost": 0.81}).value == 1
    assert scores.score("prospect_time", {"prospect_hours_lost": 0.8}).value == 2
    assert scores.score("prospect_time", {"prospect_hours_lost": 0.5}).value == 4


def test_no_data_and_governance():
    assert scores.score("advice_fit", {}).value is None
    assert scores.score("governance", {"anything": 1}).value is None
    assert scores.score("governance", {"report_items_answered": 0.6}).value == 4
    assert scores.score("governance", {"report_items_answered": 0.19}).value == 1


def _sums(**groups):
    return {group: {metric: tuple(pair) for metric, pair in metrics.items()} for group, metrics in groups.items()}


def test_period_end_spike_triggers_and_does_not():
    base = {"b": {"releases_period_end": (1, 10)}, "c": {"releases_period_end": (1, 10)}}
    found = signals.period_end_spikes(_sums(a={"releases_period_end": (4, 10)}, **base))
    assert [(signal.kind, signal.group) for signal in found] == [("period_end", "a")]
    assert found[0].evidence == ("4 van 10 vrijgegeven adviesdossiers (40%) in de laatste drie dagen van een maand; "
                                 "de anderen: 10%.")
    assert signals.period_end_spikes(_sums(a={"releases_period_end": (2, 10)}, **base)) == []
    assert signals.period_end_spikes(_sums(a={"releases_period_end": (4, 7)}, **base)) == []  # too few releases


def test_deviation_rate_triggers_and_does_not():
    peers = {"b": {"within_target_market": (95, 100)}}
    assert [s.group for s in signals.deviation_rates(_sums(a={"within_target_market": (16, 20)}, **peers))] == ["a"]
    assert signals.deviation_rates(_sums(a={"within_target_market": (18, 20)}, **peers)) == []  # 10% vs 5%: < +10pp


def test_replacements_trigger_and_do_not():
    peers = {"b": {"replacements": (2, 40)}}
    assert [s.group for s in signals.replacements(_sums(a={"replacements": (5, 20)}, **peers))] == ["a"]
    assert signals.replacements(_sums(a={"replacements": (3, 20)}, **peers)) == []  # 15% < 20%


def test_volume_against_findings_triggers_and_does_not():
    rising = {"a": {"releases": ((10, 1), (14, 1)), "review_findings": ((1, 10), (3, 14))}}
    assert [s.group for s in signals.volume_against_findings(rising)] == ["a"]
    steady = {"a": {"releases": ((10, 1), (14, 1)), "review_findings": ((1, 10), (2, 14))}}
    assert signals.volume_against_findings(steady) == []


def test_concentration_against_the_others_for_the_same_needs():
    spread = {"death_cover": {1: 5, 2: 5, 3: 5, 4: 5}}
    mix = {"a": {"death_cover": {1: 18, 2: 2}}, "b": spread, "c": spread}
    found = signals.concentration(mix, {1: "Alfa"})
    assert [(s.group, s.files) for s in found] == [("a", {"provider": "1"})]
    assert found[0].evidence == (
        "90% van 20 geadviseerde producten komen van Alfa, waar de keuzes van de anderen voor dezelfde behoeften "
        "25% zouden geven (concentratie-index 0.82 tegen 0.25).")
    even = {"a": {"death_cover": {1: 5, 2: 5, 3: 5, 4: 5}}, "b": spread}
    assert signals.concentration(even, {}) == []
    # A need nobody else advises on cannot be compared, so it does not count.
    alone = {"a": {"mortgage_financing": {1: 30}}, "b": spread}
    assert signals.concentration(alone, {}) == []
