"""The batch gives the per-household reference's needs and questions, for households hypothesis makes
up (the demo generator's book: clients/tests/test_planning.py)."""

import datetime
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from klantbelang.planning import load_parameters, parse_household, plan
from klantbelang.planning.batch import needs_batch

NL_2026 = load_parameters("NL-2026")
# More households for a deeper walk: BATCH_EXAMPLES=1500 make test.
EXAMPLES = int(os.environ.get("BATCH_EXAMPLES", "120"))


def assert_same(households):
    batch = needs_batch(households, NL_2026)
    for household, found in zip(households, batch, strict=True):
        reference = plan(household, parameters=NL_2026)
        assert [(need["type"], need["person"], need["unit"], need["priority"]) for need in found.needs] == [
            (need["type"], need["person"], need["unit"], need["priority"]) for need in reference["needs"]]
        for mine, theirs in zip(found.needs, reference["needs"], strict=True):
            if theirs["amount"] is None:
                assert mine["amount"] is None
            else:
                assert abs(mine["amount"] - theirs["amount"]) <= 0.01
                if mine["amount"] == theirs["amount"]:
                    assert (mine["reason_nl"], mine["reason_en"]) == (theirs["reason_nl"], theirs["reason_en"])
        assert found.to_ask == reference["to_ask"]


dates = st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2004, 12, 31))
money = st.one_of(st.none(), st.integers(min_value=0, max_value=150_000))


@st.composite
def households(draw):
    adults = draw(st.integers(min_value=1, max_value=2))
    persons = []
    for index in range(adults):
        person = {"id": f"p{index + 1}", "birth_date": draw(dates).isoformat(),
                  "employment_income": draw(money), "self_employed_profit": draw(st.sampled_from([None, 0, 45_000])),
                  "employer_covers_wia_excess": draw(st.sampled_from([None, True, False])),
                  "employer_covers_wga_gap": draw(st.sampled_from([None, True, False])),
                  "work_years": draw(st.one_of(st.none(), st.integers(min_value=0, max_value=45)))}
        if draw(st.booleans()):
            person["pensions"] = [{"projected_year": draw(st.integers(min_value=0, max_value=40_000)),
                                   "partner_pension_year": draw(st.integers(min_value=0, max_value=20_000)),
                                   "start_age": draw(st.sampled_from([None, 62, 67.5]))}
                                  for _ in range(draw(st.integers(min_value=0, max_value=2)))]
        if draw(st.booleans()):
            person["cover"] = {"term_life": draw(st.sampled_from([0, 50_000, 300_000])),
                               "disability_benefit_year": draw(st.sampled_from([None, 0, 20_000]))}
        persons.append(person)
    youngest_adult = max(datetime.date.fromisoformat(person["birth_date"]) for person in persons)
    children = [{"birth_date": (youngest_adult + datetime.timedelta(days=draw(st.integers(7000, 14000))))
                 .isoformat()} for _ in range(draw(st.integers(min_value=0, max_value=2)))]
    children = [child for child in children if child["birth_date"] <= "2026-12-01"]
    owner = draw(st.booleans())
    data = {"reference_date": "2026-12-01", "situation": "married" if adults == 2 else "single",
            "persons": persons, "children": children,
            "home": {"market_value": draw(st.integers(100_000, 900_000)),
                     "energy_label": draw(st.sampled_from(["A", "C", "G", None]))} if owner else None,
            "mortgage": [{"amount": draw(st.integers(50_000, 600_000)), "rate_pct": draw(st.sampled_from([1.5, 4.2])),
                          "fixed_years_left": draw(st.sampled_from([2, 12]))}] if owner and draw(st.booleans()) else [],
            "savings": draw(money), "fixed_costs_month": draw(st.one_of(st.none(), st.integers(800, 5_000))),
            "covers": {"home": draw(st.sampled_from([None, True, False])), "contents": False, "liability": True}}
    return parse_household(data)


@settings(max_examples=EXAMPLES, deadline=None)
@given(book=st.lists(households(), min_size=1, max_size=6))
def test_batch_gives_the_reference_needs(book):
    assert_same(book)
