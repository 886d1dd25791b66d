"""Planning core speed, measured in one run.

* one household: 2 persons, 2 children, a mortgage and a mortgage request; every scenario until the
  last partner is 90 (about 55 years); median of 300 plans;
* the book: the batch (planning.batch.needs_batch, numpy over households) against the per-household
  loop (plan) over households of the demo generator, read through the pages' profile-to-plan
  mapping; three interleaved rounds (batch on 20,000, loop on 2,000), each from cold caches,
  medians per household; then
  the batch over a whole book of 100,000 households, in chunks of 10,000;
* the Financiële analyse page with its chart data, median of 30 requests, and its query count.

Prints a JSON object as its last line.
"""

import datetime
import json
import random
import statistics
import time

from _setup import median_ms, setup_django, timed

setup_django()

from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klantbelang.accounts.tests.factories import member
from klantbelang.clients.household_generator import household as generated_household
from klantbelang.clients.models import Client, NeedsProfile, Person
from klantbelang.clients.queries import plan_input
from klantbelang.clients.tests.factories import household as stored_household
from klantbelang.core.tests.factories import FirmFactory
from klantbelang.planning import load_parameters, parse_household, plan
from klantbelang.planning import scenarios
from klantbelang.planning.batch import needs_batch

TODAY = datetime.date(2026, 12, 1)
BOOK = 100_000
BATCH_SAMPLE = 20_000
LOOP_SAMPLE = 2_000
CHUNK = 10_000
FAMILY = {
    "reference_date": "2026-12-01", "situation": "married",
    "persons": [
        {"id": "p1", "birth_date": "1990-03-15", "employment_income": 64_000, "self_employed_profit": 0,
         "employer_covers_wia_excess": False, "employer_covers_wga_gap": True,
         "pensions": [{"projected_year": 21_000, "partner_pension_year": 14_700}],
         "cover": {"term_life": 0, "disability_benefit_year": 0}, "work_years": 12},
        {"id": "p2", "birth_date": "1991-06-01", "employment_income": 30_000, "employer_covers_wia_excess": False,
         "employer_covers_wga_gap": False, "pensions": [{"projected_year": 8_000, "partner_pension_year": 5_000}],
         "cover": {"term_life": 100_000, "disability_benefit_year": 0}, "work_years": 10}],
    "children": [{"birth_date": "2019-05-01"}, {"birth_date": "2022-09-01"}],
    "home": {"market_value": 450_000, "energy_label": "A"},
    "mortgage": [{"amount": 300_000, "rate_pct": 3.9, "fixed_years_left": 7, "repayment": "annuity",
                  "years_left": 28}],
    "mortgage_request": {"amount": 420_000, "rate_pct": 4.1, "fixed_years": 10},
    "student_debt_monthly": 0, "savings": 15_000, "fixed_costs_month": 2_500, "pension_target_pct": 70,
    "covers": {"home": True, "contents": True, "liability": False},
}


def generated_inputs(count: int, seed: int = 11) -> list[dict]:
    """Plan inputs of generated demo households, without a database: persons and profile as the demo
    stores them, read through the pages' mapping."""
    rng = random.Random(seed)
    inputs = []
    for number in range(count):
        _name, persons, data = generated_household(rng, TODAY, number)
        profile = NeedsProfile(data=data)
        people = [Person(role=person["role"], first_name=person["first_name"], last_name=person["last_name"],
                         date_of_birth=person.get("date_of_birth"),
                         relationship_status=person.get("relationship_status", "")) for person in persons]
        inputs.append(plan_input(client=Client(), profile=profile, persons=people, today=TODAY))
    return inputs


def cold(parameters) -> None:
    """Forget what earlier rounds cached (shares of a year, taxes, WW months, AOW dates): a book is
    planned once, so both sides are timed as a first pass would be."""
    for cached in (scenarios.share_from, scenarios.share_between, scenarios._box1_tax, scenarios._ww_benefit_months):
        cached.cache_clear()
    parameters._aow_dates.clear()


def main() -> None:
    parameters = load_parameters("NL-2026")
    family = parse_household(FAMILY)
    plan(family, parameters=parameters)
    one = timed(lambda: plan(family, parameters=parameters), 300)
    years = len(plan(family, parameters=parameters)["scenarios"]["retirement"])

    households = [parse_household(data) for data in generated_inputs(BATCH_SAMPLE)]
    loop_rounds, batch_rounds = [], []
    for _ in range(3):
        cold(parameters)
        start = time.perf_counter()
        for item in households[:LOOP_SAMPLE]:
            plan(item, parameters=parameters)
        loop_rounds.append((time.perf_counter() - start) / LOOP_SAMPLE)
        cold(parameters)
        start = time.perf_counter()
        needs_batch(households, parameters)
        batch_rounds.append((time.perf_counter() - start) / BATCH_SAMPLE)
    loop_per_household = statistics.median(loop_rounds)
    batch_per_household = statistics.median(batch_rounds)
    book_seconds = 0.0
    for chunk in range(0, BOOK, CHUNK):
        part = [parse_household(data) for data in generated_inputs(CHUNK, seed=1_000 + chunk)]
        start = time.perf_counter()
        needs_batch(part, parameters)
        book_seconds += time.perf_counter() - start

    firm = FirmFactory()
    adviser = member(firm, "adviser")
    client = stored_household(firm, adviser, persons=[
        {"role": "client", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": datetime.date(1990, 3, 15),
         "employment": "employment", "relationship_status": "married"},
        {"role": "partner", "first_name": "Eva", "last_name": "Jansen", "date_of_birth": datetime.date(1991, 6, 1),
         "employment": "employment", "relationship_status": "married"},
        {"role": "dependant", "first_name": "Sem", "last_name": "Jansen", "date_of_birth": datetime.date(2019, 5, 1)},
        {"role": "dependant", "first_name": "Lot", "last_name": "Jansen", "date_of_birth": datetime.date(2022, 9, 1)},
    ], data=generated_household(random.Random(3), TODAY, 1)[2], today=TODAY)
    browser = Browser()
    browser.force_login(adviser)
    url = reverse("clients:analysis", args=[client.pk])
    assert browser.get(url).status_code == 200
    page = timed(lambda: browser.get(url), 30)
    with CaptureQueriesContext(connection) as queries:
        browser.get(url)

    figures = {
        "one_household_ms": median_ms(one),
        "one_household_years": years,
        "loop_ms_per_household": round(loop_per_household * 1000, 3),
        "batch_ms_per_household": round(batch_per_household * 1000, 3),
        "batch_vs_loop": round(loop_per_household / batch_per_household, 1),
        "batch_book_seconds_100k": round(book_seconds, 1),
        "analysis_page_ms": median_ms(page),
        "analysis_page_queries": len(queries),
    }
    print(f"one household (2 adults, 2 children, mortgage, {years} years, 7 scenarios): "
          f"median {figures['one_household_ms']} ms")
    print(f"needs of the book: loop {figures['loop_ms_per_household']} ms a household, batch "
          f"{figures['batch_ms_per_household']} ms: {figures['batch_vs_loop']}× (medians of 3 interleaved rounds)")
    print(f"batch over a book of {BOOK:,} households: {figures['batch_book_seconds_100k']} s")
    print(f"Financiële analyse page: median {figures['analysis_page_ms']} ms, {len(queries)} queries")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
