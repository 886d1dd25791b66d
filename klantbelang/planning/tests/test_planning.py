"""Worked examples computed by hand from the rules' text (the figures of NL-2026 written out), and
properties that must hold for any household. No Django, no database."""

import copy
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klantbelang.planning import HouseholdInvalid, load_parameters, parse_household, plan

NL_2026 = load_parameters("NL-2026")
AFM_FACTOR_5 = (1 - (1 + 0.05 / 12) ** -360) / (0.05 / 12)  # a 30-year annuity at 5 %: € of loan per € a month


def person(pid="p1", born="1990-03-15", **fields):
    return {"id": pid, "birth_date": born, "employment_income": 0, "self_employed_profit": 0,
            "employer_covers_wia_excess": True, "employer_covers_wga_gap": True, "pensions": [],
            "cover": {"term_life": 0, "disability_benefit_year": 0}, **fields}


def household(*persons, situation=None, **fields):
    data = {"reference_date": "2026-12-01", "situation": situation or ("married" if len(persons) == 2 else "single"),
            "persons": list(persons), "children": [], "home": None, "savings": 50_000, "fixed_costs_month": 2_000,
            "covers": {"home": True, "contents": True, "liability": True}}
    data.update(fields)
    return data


def needs_of(result, kind):
    return [need for need in result["needs"] if need["type"] == kind]


# AOW ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("born", "aow_date", "age"), [
    ("1990-03-15", "2057-06-15", (67, 3)),   # past the table: the last age fixed by law, 67 y 3 m
    ("1959-06-30", "2026-06-30", (67, 0)),   # 2026 row: born after 31-12-1958 and before 1-1-1960
    ("1961-03-10", "2028-06-10", (67, 3)),   # 2028 row: born after 31-12-1960 and before 1-10-1961
    ("1961-10-01", "2029-01-01", (67, 3)),   # 2029 row starts the day after 30-09-1961
    ("1960-08-31", "2027-08-31", (67, 0)),   # 2027 row
    ("1956-01-31", "2022-08-31", (66, 7)),   # 2022 row: 66 y 7 m
])
def test_aow_date_from_the_age_table(born, aow_date, age):
    birth = datetime.date.fromisoformat(born)
    assert NL_2026.aow_age(birth) == age
    assert NL_2026.aow_date(birth).isoformat() == aow_date


def test_aow_amount_is_twelve_times_the_monthly_amount_and_holiday_allowance():
    # Partner: 12 × (1.122,12 + 76,10) = 12 × 1.198,22 = 14.378,64; single: 12 × (1.637,57 + 106,55) = 20.929,44.
    couple = plan(household(person("p1"), person("p2", "1992-01-01")))
    assert [item["aow_gross_year"] for item in couple["persons"]] == [14_378.64, 14_378.64]
    single = plan(household(person("p1")))
    assert single["persons"][0]["aow_gross_year"] == 20_929.44
    cohabiting = plan(household(person("p1"), person("p2", "1992-01-01"), situation="cohabiting"))
    assert cohabiting["persons"][0]["aow_gross_year"] == 14_378.64
    # 40 of 50 insured years: 80 % of 20.929,44 = 16.743,55.
    abroad = plan(household(person("p1", aow_insured_years=40)))
    assert abroad["persons"][0]["aow_gross_year"] == 16_743.55


# Pension gap -------------------------------------------------------------------------------------

def test_couple_pension_gap_counts_two_aow_amounts():
    # Target 70 % × (64.000 + 30.000) = 65.800; AOW 2 × 14.378,64 = 28.757,28; pensions 21.000 + 8.000;
    # retirement income 57.757,28; gap 8.042,72, more than 10 % of the target (6.580): a need.
    result = plan(household(person("p1", employment_income=64_000, pensions=[{"projected_year": 21_000}]),
                            person("p2", "1991-06-01", employment_income=30_000, pensions=[{"projected_year": 8_000}])))
    [gap] = needs_of(result, "pension_gap")
    assert (gap["amount"], gap["unit"], gap["priority"], gap["person"]) == (8_042.72, "per_year", "need", None)
    assert "€ 8.043" in gap["reason_nl"]
    assert "€8,043" in gap["reason_en"]


def test_small_pension_gap_is_a_want():
    # Single, 40.000: target 28.000; AOW 20.929,44 + pension 5.000 = 25.929,44; gap 2.070,56 ≤ 2.800: want.
    result = plan(household(person("p1", employment_income=40_000, pensions=[{"projected_year": 5_000}])))
    [gap] = needs_of(result, "pension_gap")
    assert (gap["amount"], gap["priority"]) == (2_070.56, "want")


def test_no_pension_gap_when_retirement_income_reaches_the_target():
    # Target 70 % × 30.000 = 21.000; AOW alone is 20.929,44 and the pension 1.000 more: no gap.
    result = plan(household(person("p1", employment_income=30_000, pensions=[{"projected_year": 1_000}])))
    assert needs_of(result, "pension_gap") == []


def test_household_on_aow_has_no_pension_gap():
    result = plan(household(person("p1", "1950-01-01", employment_income=50_000),
                            person("p2", "1952-01-01", employment_income=50_000)))
    assert needs_of(result, "pension_gap") == []


def test_unanswered_pensions_are_a_question_not_a_need():
    result = plan(household(person("p1", employment_income=64_000, pensions=None)))
    assert needs_of(result, "pension_gap") == []
    [question] = [item for item in result["to_ask"] if item["field"] == "persons.p1.pensions"]
    # Without a pension: 70 % × 64.000 = 44.800 − 20.929,44 = 23.870,56, named in the question.
    assert "€ 23.871" in question["reason_nl"]


# Disability ----------------------------------------------------------------------------------------

def test_wia_excess_without_employer_cover():
    # 0,7 × (100.000 − 79.409) = 14.413,70, less the insured 5.000 = 9.413,70.
    result = plan(household(person("p1", employment_income=100_000, employer_covers_wia_excess=False,
                                   cover={"term_life": 0, "disability_benefit_year": 5_000})))
    [gap] = needs_of(result, "disability_gap")
    assert (gap["person"], gap["amount"], gap["unit"]) == ("p1", 9_413.70, "per_year")


def test_no_wia_excess_need_below_the_maximum_premium_wage_or_with_employer_cover():
    assert needs_of(plan(household(person("p1", employment_income=79_409, employer_covers_wia_excess=False))),
                    "disability_gap") == []
    assert needs_of(plan(household(person("p1", employment_income=120_000, employer_covers_wia_excess=True))),
                    "disability_gap") == []


def test_self_employed_disability_gap_per_person():
    # 0,7 × 60.000 = 42.000 − 30.000 insured = 12.000 for p1; p2 (employee below the maximum) none.
    result = plan(household(person("p1", self_employed_profit=60_000,
                                   cover={"term_life": 0, "disability_benefit_year": 30_000}),
                            person("p2", "1991-01-01", employment_income=40_000)))
    assert [(gap["person"], gap["amount"]) for gap in needs_of(result, "disability_gap")] == [("p1", 12_000.0)]


def test_self_employed_close_to_aow_has_no_disability_gap():
    # Born 1961-03-10: AOW date 2028-06-10, less than two years after 2026-12-01.
    result = plan(household(person("p1", "1961-03-10", self_employed_profit=90_000)))
    assert needs_of(result, "disability_gap") == []


def test_wga_gap_is_the_drop_to_the_follow_on_benefit():
    # Wage-related WGA 0,7 × 40.000 = 28.000; follow-on 70 % × 2.294,40 × 12 = 19.272,96; gap 8.727,04.
    result = plan(household(person("p1", employment_income=40_000, employer_covers_wga_gap=False)))
    [gap] = needs_of(result, "wga_gap")
    assert (gap["amount"], gap["person"]) == (8_727.04, "p1")
    assert needs_of(plan(household(person("p1", employment_income=40_000, employer_covers_wga_gap=True))),
                    "wga_gap") == []


def test_one_partners_policy_does_not_cancel_the_others_need():
    policy = {"term_life": 0, "disability_benefit_year": 40_000}
    result = plan(household(person("p1", self_employed_profit=50_000, cover=policy),
                            person("p2", "1991-01-01", self_employed_profit=50_000)))
    assert [(gap["person"], gap["amount"]) for gap in needs_of(result, "disability_gap")] == [("p2", 35_000.0)]


# Lending norms --------------------------------------------------------------------------------------

def test_financing_table_cells_against_the_source():
    # Tabel 1 (below AOW age) and tabel 2 (at AOW age) of Bijlage 1, stcrt-2025-36471.
    below = NL_2026.financing_percentage
    assert below(income=30_000, rate_pct=1.5, at_aow=False) == 15.5
    assert below(income=60_000, rate_pct=3.0, at_aow=False) == 20.7
    assert below(income=60_999, rate_pct=4.0, at_aow=False) == 22.6   # still the € 60.000 row
    assert below(income=64_000, rate_pct=5.0, at_aow=False) == 24.6
    assert below(income=64_000, rate_pct=5.001, at_aow=False) == 25.5
    assert below(income=80_000, rate_pct=6.0, at_aow=False) == 28.9
    assert below(income=20_000, rate_pct=5.0, at_aow=False) == 21.6   # below the first row: the first row
    assert below(income=400_000, rate_pct=7.5, at_aow=False) == 32.2  # above the last row: the last row
    assert below(income=40_000, rate_pct=4.0, at_aow=True) == 26.9
    assert below(income=29_500, rate_pct=1.2, at_aow=True) == 18.5
    assert below(income=110_000, rate_pct=6.6, at_aow=True) == 41.7


def test_maximum_mortgage_one_income_renter():
    # 64.000 × 24,6 % / 12 = 1.312,00 a month at the AFM toetsrente of 5 % (no offer), a 30-year annuity,
    # plus the single allowance of 17.000 (toetsinkomen above 30.000); no home: no value limit.
    result = plan(household(person("p1", employment_income=64_000)))["max_mortgage"]
    expected = 1_312.00 * AFM_FACTOR_5 + 17_000
    assert (result["toetsinkomen"], result["toetsrente_pct"], result["financieringslast_pct"]) == (64_000, 5.0, 24.6)
    assert result["max_monthly_cost"] == 1_312.00
    assert result["max_loan_income"] == round(expected, 2) == 261_401.48
    assert (result["max_loan_value"], result["max_loan"]) == (None, round(expected, 2))


def test_maximum_mortgage_two_incomes_with_a_ten_year_offer_and_energy_label():
    # Joint toetsinkomen 50.000 + 30.000 = 80.000; a 10-year fixed offer at 4,0 % is tested at 4,0 %:
    # 25,3 %; 80.000 × 25,3 % / 12 = 1.686,67 a month; annuity at 4 %; label A adds 10.000.
    data = household(person("p1", employment_income=50_000), person("p2", "1991-01-01", employment_income=30_000),
                     home={"market_value": 400_000, "energy_label": "A"},
                     mortgage_request={"amount": 350_000, "rate_pct": 4.0, "fixed_years": 10})
    result = plan(data)["max_mortgage"]
    factor = (1 - (1 + 0.04 / 12) ** -360) / (0.04 / 12)
    income_loan = 80_000 * 0.253 / 12 * factor + 10_000
    assert (result["toetsinkomen"], result["toetsrente_pct"], result["financieringslast_pct"]) == (80_000, 4.0, 25.3)
    assert result["max_loan_income"] == round(income_loan, 2) == 363_291.29
    assert (result["max_loan_value"], result["max_loan"]) == (400_000, 363_291.29)
    assert needs_of(plan(data), "mortgage_affordability") == []


def test_short_fixed_period_is_tested_at_the_afm_toetsrente_and_excess_is_a_need():
    # 5 years fixed at 3,9 %: tested at 5 %; 45.000 single: 24,6 % → 922,50 a month; +17.000 single allowance.
    data = household(person("p1", employment_income=45_000), home={"market_value": 300_000, "energy_label": "G"},
                     mortgage=[{"amount": 290_000, "rate_pct": 3.9, "fixed_years_left": 5, "repayment": "annuity",
                                "years_left": 25}])
    result = plan(data)
    maximum = round(45_000 * 0.246 / 12 * AFM_FACTOR_5 + 17_000, 2)
    assert result["max_mortgage"]["toetsrente_pct"] == 5.0
    assert result["max_mortgage"]["max_loan"] == maximum == 188_844.79
    [need] = needs_of(result, "mortgage_affordability")
    assert (need["amount"], need["unit"]) == (round(290_000 - maximum, 2), "capital")


def test_student_debt_is_grossed_up_and_taken_off_the_monthly_cost():
    # 64.000 at 5 %: 1.312,00 a month; student debt 100 a month × 1,30 (4,501-5,000 %) = 130 → 1.182,00.
    result = plan(household(person("p1", employment_income=64_000), student_debt_monthly=100))["max_mortgage"]
    assert result["obligations_monthly"] == 130.0
    assert result["max_loan_income"] == round(1_182.00 * AFM_FACTOR_5 + 17_000, 2)


def test_applicant_within_ten_years_of_aow_is_tested_on_the_income_at_aow():
    # Born 1962-01-01: AOW 2029-04-01. Now 70.000 (tabel 1, 25,3 % at 5 %); at AOW 20.929,44 + 15.000
    # = 35.929,44 in tabel 2 (row 35.000, 26,1 %): the lower loan decides.
    result = plan(household(person("p1", "1962-01-01", employment_income=70_000,
                                   pensions=[{"projected_year": 15_000}])))["max_mortgage"]
    at_aow = 35_929.44 * 0.261 / 12 * AFM_FACTOR_5 + 17_000
    assert result["decided_by"] == "income_at_aow"
    assert result["at_aow"]["financieringslast_pct"] == 26.1
    assert result["max_loan_income"] == round(at_aow, 2)


# Death cover -------------------------------------------------------------------------------------------

def test_anw_income_test_worked_example():
    # Survivor earns 30.000 (2.500 a month): 2/3 × (2.500 − 1.493,52) = 670,99 off 1.529,53 → 858,54;
    # a year: 12 × (858,54 + 20,91 top-up + 99,44 × 858,54 / 1.529,53 holiday) = 11.223,24.
    assert NL_2026.anw_year(survivor_income_year=30_000) == 11_223.24
    assert NL_2026.anw_year(survivor_income_year=60_000) == 0.0


def test_survivor_with_a_young_child_gets_anw_and_one_without_does_not():
    couple = [person("p1", employment_income=64_000, pensions=[{"projected_year": 20_000,
                                                                "partner_pension_year": 6_000}]),
              person("p2", "1991-06-01", employment_income=30_000)]
    with_child = plan(household(*copy.deepcopy(couple), children=[{"birth_date": "2019-05-01"}]))
    first = with_child["scenarios"]["death_p1"][0]
    # 2027: the survivor's own 30.000, the partner pension 6.000 and the Anw (the child is 8).
    assert first["year"] == 2027
    assert first["sources"] == {"work": 30_000.0, "partner_pension": 6_000.0, "anw": 11_223.24}
    # The child turns 18 on 2037-05-01: Anw for 120 of 365 days of 2037, none in 2038.
    rows = {row["year"]: row for row in with_child["scenarios"]["death_p1"]}
    assert rows[2037]["sources"]["anw"] == round(11_223.24 * 120 / 365, 2)
    assert "anw" not in rows[2038]["sources"]
    without = plan(household(*copy.deepcopy(couple)))
    assert "anw" not in without["scenarios"]["death_p1"][0]["sources"]


def test_death_cover_is_per_insured_life_and_counts_the_mortgage_the_survivor_cannot_carry():
    # Mortgage 300.000 (3,9 %, 7 years fixed: tested at 5 %). Survivor p2 alone earns 30.000: tabel 1 row
    # 30.000 at 5 % = 21,6 % → 540 a month → 540 × annuity factor + 10.000 (label A) = 110.592,07 she can
    # carry; 189.407,93 she cannot. Fixed costs 1.500 a month (18.000 a year) stay below her net income.
    # Term life of 100.000 on p1: 89.407,93 is needed on p1's life.
    data = household(person("p1", employment_income=64_000, cover={"term_life": 100_000,
                                                                   "disability_benefit_year": 0}),
                     person("p2", "1991-06-01", employment_income=30_000, cover={"term_life": 0,
                                                                                  "disability_benefit_year": 0}),
                     children=[{"birth_date": "2019-05-01"}], fixed_costs_month=1_500,
                     home={"market_value": 450_000, "energy_label": "A"},
                     mortgage=[{"amount": 300_000, "rate_pct": 3.9, "fixed_years_left": 7, "repayment": "annuity",
                                "years_left": 28}])
    result = plan(data)
    carried = round(540 * AFM_FACTOR_5 + 10_000, 2)
    assert carried == 110_592.07
    cover = {need["person"]: need for need in needs_of(result, "death_cover")}
    assert cover["p1"]["amount"] == round(300_000 - carried - 100_000, 2) == 89_407.93
    assert cover["p1"]["params"]["income_shortfall"] == 0.0
    # On p2's death p1 alone carries 1.312,00 a month (64.000 × 24,6 %) × factor + 10.000 (label) + 17.000
    # (single allowance) = 271.401,48: 28.598,52 short, and nothing insured on p2's life.
    assert cover["p2"]["amount"] == 28_598.52


def test_no_death_cover_without_dependants_or_mortgage():
    result = plan(household(person("p1", employment_income=64_000)))
    assert needs_of(result, "death_cover") == []


def test_unanswered_term_life_is_a_question():
    data = household(person("p1", employment_income=64_000, cover=None),
                     person("p2", "1991-06-01", employment_income=10_000), children=[{"birth_date": "2020-01-01"}])
    result = plan(data)
    assert [need for need in needs_of(result, "death_cover") if need["person"] == "p1"] == []
    assert any(item["field"] == "persons.p1.cover.term_life" for item in result["to_ask"])


# Other needs and questions -----------------------------------------------------------------------------

def test_buffer_is_three_months_of_costs_or_six_for_the_self_employed():
    employed = plan(household(person("p1", employment_income=40_000), savings=1_000, fixed_costs_month=2_000))
    assert [(need["amount"], need["unit"]) for need in needs_of(employed, "emergency_buffer")] == [(5_000.0, "once")]
    self_employed = plan(household(person("p1", self_employed_profit=40_000), savings=1_000, fixed_costs_month=2_000))
    assert [need["amount"] for need in needs_of(self_employed, "emergency_buffer")] == [11_000.0]


def test_unanswered_sections_are_questions_never_needs():
    data = {"reference_date": "2026-12-01", "situation": "single", "persons": [{"id": "p1",
                                                                              "birth_date": "1985-01-01"}]}
    result = plan(data)
    assert result["needs"] == []
    assert {item["field"] for item in result["to_ask"]} >= {
        "persons.p1.employment_income", "persons.p1.cover", "persons.p1.pensions", "children", "home",
        "fixed_costs_month", "covers.contents", "covers.liability"}


def test_renters_get_contents_not_home_cover():
    result = plan(household(person("p1", employment_income=40_000), covers={"home": None, "contents": False,
                                                                            "liability": False},
                            contents_value=35_000))
    kinds = [need["type"] for need in result["needs"]]
    assert "home_cover" not in kinds
    assert [(need["amount"]) for need in needs_of(result, "contents_cover")] == [35_000.0]
    assert len(needs_of(result, "liability_cover")) == 1


def test_scenarios_run_until_the_last_partner_is_90():
    result = plan(household(person("p1", "1980-01-01"), person("p2", "1985-06-01")))
    years = [row["year"] for row in result["scenarios"]["retirement"]]
    assert (years[0], years[-1]) == (2027, 2075)
    assert set(result["scenarios"]) == {"retirement", "death_p1", "death_p2", "disability_p1", "disability_p2",
                                        "unemployment_p1", "unemployment_p2"}


def test_ww_is_75_then_70_percent_of_the_capped_wage():
    # 100.000 wage, capped at 79.409: 6.617,42 a month; 2 months at 75 %, then 70 % for 10 − 2 months
    # (10 work years give 10 months of WW).
    result = plan(household(person("p1", employment_income=100_000, work_years=10)))
    monthly = 79_409 / 12
    expected = 2 * 0.75 * monthly + 8 * 0.70 * monthly
    assert result["scenarios"]["unemployment_p1"][0]["sources"]["ww"] == round(expected, 2)


# Bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "field"), [
    (lambda data: data["persons"][0].update(birth_date="2030-01-01"), "persons.p1.birth_date"),
    (lambda data: data["persons"][0].update(birth_date="1899-12-31"), "persons.p1.birth_date"),
    (lambda data: data["persons"][0].update(employment_income=-1), "persons.p1.employment_income"),
    (lambda data: data.update(mortgage=[{"amount": 100_000}]), "mortgage"),
    (lambda data: data.update(children=[{"birth_date": "1980-01-01"}]), "children.0.birth_date"),
    (lambda data: data["persons"][0].update(aow_date="2055-01-01"), "persons.p1.aow_date"),
    (lambda data: data.update(situation="complicated"), "situation"),
    (lambda data: data.update(savings="a lot"), "savings"),
])
def test_impossible_input_is_refused_with_the_field(change, field):
    data = household(person("p1", "1990-03-15", employment_income=40_000))
    change(data)
    with pytest.raises(HouseholdInvalid) as refused:
        plan(data)
    assert field in [error.field for error in refused.value.errors]


def test_stated_aow_date_that_agrees_is_accepted():
    data = household(person("p1", "1990-03-15", aow_date="2057-06-15"))
    assert plan(data)["persons"][0]["aow_date"] == "2057-06-15"


def test_every_error_is_named_at_once():
    data = household(person("p1", "2030-01-01", employment_income=-5), savings=-1)
    with pytest.raises(HouseholdInvalid) as refused:
        parse_household(data)
    assert {error.field for error in refused.value.errors} == {"persons.p1.birth_date",
                                                               "persons.p1.employment_income", "savings"}


# Properties -------------------------------------------------------------------------------------------

incomes = st.integers(min_value=0, max_value=250_000)


@settings(max_examples=60, deadline=None)
@given(first=incomes, second=incomes, extra=st.integers(min_value=1, max_value=50_000),
       rate=st.floats(min_value=0.5, max_value=9.0), fixed=st.sampled_from([1, 5, 10, 20]))
def test_more_income_never_lowers_the_maximum_mortgage(first, second, extra, rate, fixed):
    def maximum(income_one):
        data = household(person("p1", employment_income=income_one),
                         person("p2", "1988-01-01", employment_income=second),
                         home={"market_value": 2_000_000, "energy_label": "C"},
                         mortgage_request={"amount": 100_000, "rate_pct": round(rate, 2), "fixed_years": fixed})
        return plan(data)["max_mortgage"]["max_loan"]
    assert maximum(first + extra) >= maximum(first)


@settings(max_examples=60, deadline=None)
@given(income=incomes, profit=incomes, cover=st.integers(min_value=0, max_value=100_000),
       more=st.integers(min_value=1, max_value=100_000), term_life=st.integers(min_value=0, max_value=500_000))
def test_more_cover_never_raises_a_gap(income, profit, cover, more, term_life):
    def gaps(benefit, life):
        data = household(person("p1", employment_income=income, self_employed_profit=profit,
                                employer_covers_wia_excess=False,
                                cover={"term_life": life, "disability_benefit_year": benefit}),
                         person("p2", "1991-01-01", employment_income=20_000),
                         children=[{"birth_date": "2020-01-01"}],
                         home={"market_value": 400_000, "energy_label": "B"},
                         mortgage=[{"amount": 350_000, "rate_pct": 4.0, "fixed_years_left": 3}])
        result = plan(data)
        return {need["type"]: need["amount"] for need in result["needs"] if need["person"] == "p1"}
    before, after = gaps(cover, term_life), gaps(cover + more, term_life + more)
    for kind in ("disability_gap", "death_cover"):
        assert after.get(kind, 0) <= before.get(kind, 0)


def test_goal_reasons_name_the_goal_in_words():
    result = plan(household(person("p1", employment_income=40_000),
                            goals=[{"type": "buy_home", "amount": 60_000, "horizon_years": 5, "priority": "need"}]))
    [goal] = needs_of(result, "goal_funding")
    assert (goal["amount"], goal["priority"]) == (60_000.0, "need")
    assert "een huis kopen" in goal["reason_nl"]
    assert "buy_home" not in goal["reason_nl"] + goal["reason_en"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
    | st.sampled_from(["2026-12-01", "1990-03-15", "9999-12-31", "0001-01-01", "married", "annuity"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(persons=st.lists(st.dictionaries(st.sampled_from(
    ["id", "birth_date", "employment_income", "self_employed_profit", "pensions", "cover", "work_years",
     "aow_insured_years", "aow_date", "employer_covers_wga_gap"]), json_values, max_size=6), max_size=3),
       rest=st.dictionaries(st.sampled_from(
           ["reference_date", "situation", "children", "home", "mortgage", "mortgage_request", "savings",
            "fixed_costs_month", "pension_target_pct", "covers", "goals", "student_debt_monthly"]), json_values))
def test_any_json_is_a_plan_or_field_errors(persons, rest):
    data = {"reference_date": "2026-12-01", "situation": "single", **rest, "persons": persons}
    errors: list = []
    try:
        result = plan(data)
    except HouseholdInvalid as refused:
        errors = refused.errors
        result = None
    # Either field errors, each naming its field's code, or a whole plan: never another exception.
    assert (result is None and all(error.code for error in errors)) or result["parameters"] == "NL-2026"


def test_no_affordability_need_when_the_income_was_never_given():
    data = household({"id": "p1", "birth_date": "1980-01-01"}, home={"market_value": 300_000},
                     mortgage=[{"amount": 250_000, "rate_pct": 4.0, "fixed_years_left": 10}])
    result = plan(data)
    assert needs_of(result, "mortgage_affordability") == []
    assert any(item["field"] == "persons.p1.employment_income" for item in result["to_ask"])
