"""A seeded generator of Dutch households with their finances, for the demo and the benchmarks.

Distributions follow the broad shape of Dutch households (CBS-like): about a third single, most
in their working years, roughly six in ten owning their home with a mortgage, one in six
self-employed. Names and figures are fictional. Plain Python.
"""

import datetime
import random

from klantbelang.planning import load_parameters

FIRST_NAMES = ["Anna", "Bram", "Claire", "Daan", "Eva", "Finn", "Julia", "Lars", "Lotte", "Mila", "Noah", "Sanne",
               "Sem", "Sophie", "Thijs", "Tess", "Lucas", "Emma", "Jesse", "Fleur", "Ruben", "Iris", "Milan", "Noor",
               "Koen", "Anouk", "Joost", "Femke", "Pieter", "Marloes", "Hanneke", "Wouter", "Ingrid", "Kees"]
LAST_NAMES = ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
              "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
              "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Vermeulen",
              "Peeters", "Maes", "Willems", "Claes", "Goossens", "Wouters"]


def _birth(rng, today, age):
    return (today - datetime.timedelta(days=int(age * 365.25) + rng.randint(0, 364))).isoformat()


def _money(rng, median, spread=0.45, low=0.0):
    return round(max(low, rng.lognormvariate(0, spread) * median), -2)


def household(rng: random.Random, today: datetime.date, number: int) -> tuple[str, list[dict], dict]:
    """(name, persons, profile data) of one household."""
    last = rng.choice(LAST_NAMES)
    age = int(min(85, max(23, rng.gauss(48, 14))))
    composition = rng.choices(["single", "couple", "family", "single_parent"], weights=[35, 30, 30, 5])[0]
    if age >= 67:
        employment = "retired"
    else:
        employment = rng.choices(["employment", "self_employment", "other"], weights=[75, 17, 8])[0]
    persons = [{"role": "client", "first_name": rng.choice(FIRST_NAMES), "last_name": last,
                "date_of_birth": datetime.date.fromisoformat(_birth(rng, today, age)),
                "email": f"klant{number}@example.nl", "employment": employment,
                "relationship_status": "single" if composition in {"single", "single_parent"} else
                rng.choice(["married", "cohabiting"])}]
    income = []
    if employment == "retired":
        income.append({"person": "client", "source": "pension", "gross_yearly": _money(rng, 26_000)})
    elif employment in {"employment", "self_employment"}:
        income.append({"person": "client", "source": employment,
                       "gross_yearly": _money(rng, 52_000 if employment == "self_employment" else 46_000)})
    if composition in {"couple", "family"}:
        partner_age = max(21, age + rng.randint(-6, 6))
        partner_job = "retired" if partner_age >= 67 else rng.choices(
            ["employment", "self_employment", "other"], weights=[70, 12, 18])[0]
        persons.append({"role": "partner", "first_name": rng.choice(FIRST_NAMES), "last_name": last,
                        "date_of_birth": datetime.date.fromisoformat(_birth(rng, today, partner_age)),
                        "employment": partner_job, "relationship_status": persons[0]["relationship_status"]})
        if partner_job in {"employment", "self_employment"}:
            income.append({"person": "partner", "source": partner_job, "gross_yearly": _money(rng, 38_000)})
    if composition in {"family", "single_parent"}:
        for _ in range(rng.randint(1, 3)):
            persons.append({"role": "dependant", "first_name": rng.choice(FIRST_NAMES), "last_name": last,
                            "date_of_birth": datetime.date.fromisoformat(
                                _birth(rng, today, rng.randint(0, min(20, max(0, age - 20)))))})

    total_income = sum(item["gross_yearly"] for item in income)
    owner = rng.random() < (0.35 if age < 30 else 0.62)
    home_value = round(max(180_000, rng.gauss(430_000, 130_000)), -3) if owner else 0.0
    mortgage_parts = []
    if owner and (age < 70 or rng.random() < 0.3):
        remaining = home_value * rng.uniform(0.3, 1.0) * (0.5 if age > 60 else 1)
        for part_number in range(rng.choice([1, 1, 2])):
            years = rng.choice([-1, 0, 1, 3, 5, 8, 12, 18])
            fixed_until = today + datetime.timedelta(days=max(30, years * 365 + rng.randint(0, 364)))
            mortgage_parts.append({"amount": round(remaining / (part_number + 1), -2), "rate_pct": round(
                rng.uniform(1.2, 4.8), 2), "fixed_until": fixed_until.isoformat(),
                "repayment": rng.choice(["annuity", "annuity", "linear", "interest_only"])})
    housing = sum(part["amount"] for part in mortgage_parts) * 0.0045 if mortgage_parts else rng.uniform(700, 1_300)
    commitments = round(housing + total_income / 12 * rng.uniform(0.12, 0.3), -1)
    savings = _money(rng, 14_000, spread=0.9)
    investments = _money(rng, 30_000, spread=0.8) if rng.random() < 0.4 else 0.0
    existing = []
    if rng.random() < 0.85:
        existing.append({"category": "liability", "provider": "Polderzekerheid", "premium_monthly": 6.5})
    if owner and rng.random() < 0.9:
        existing.append({"category": "home", "provider": "Veluwe Schade", "premium_monthly": 38.0})
    if mortgage_parts and len(persons) > 1 and rng.random() < 0.7:
        existing.append({"category": "term_life", "provider": "Zeeuwse Levensverzekering", "premium_monthly": 22.0,
                         "cover": round(sum(part["amount"] for part in mortgage_parts) * rng.uniform(0.5, 1.1), -3)})
    if employment == "self_employment" and rng.random() < 0.4:
        existing.append({"category": "income_protection", "provider": "Holland Inkomensgarantie",
                         "premium_monthly": 240.0})
    objectives = []
    for goal in rng.sample(["build_wealth", "retire_early", "children_study", "pay_off_mortgage", "leave_legacy",
                            "buy_home"], rng.choice([0, 1, 1, 2])):
        objectives.append({"type": goal, "horizon_years": rng.choice([3, 5, 10, 15, 20]),
                           "target_amount": round(rng.uniform(10_000, 150_000), -3),
                           "priority": rng.choice(["need", "want", "wish"]), "funded": rng.random() < 0.4})
    data = {
        "income": income,
        "assets": {"savings": savings, "investments": investments, "home_value": home_value, "other": 0.0},
        "mortgage_parts": mortgage_parts,
        "monthly_commitments": commitments,
        "pension": {"employer_scheme": employment == "employment",
                    "expected_yearly": round(total_income * rng.uniform(0.15, 0.55), -2) if income else 0.0,
                    "aow_age": _aow_age(persons[0]["date_of_birth"]), "annuities": 0.0},
        "existing_products": existing,
        "answered_sections": ["existing_products"] if rng.random() < 0.8 else [],
        "objectives": objectives,
        "life_events": [],
    }
    if rng.random() < 0.7:
        answers = {question: rng.choices([1, 2, 3, 4], weights=[2, 4, 3, 1])[0] for question in
                   ("reaction_to_fall", "goal", "experience_with_swings", "share_you_can_miss", "patience")}
        capacity = rng.choices(["none", "limited", "no_guarantee"], weights=[2, 5, 3])[0]
        data["risk"] = {"answers": answers, "horizon_years": max(1, min(30, 67 - age)) if age < 67 else 5,
                        "loss_capacity": capacity, "loss_limit_pct": rng.choice([10, 20, 30]) if capacity == "limited"
                        else None, "capacity_confirmed": rng.random() < 0.8}
    if rng.random() < 0.7:
        level = rng.choices(["basic", "informed", "advanced"], weights=[5, 4, 1])[0]
        data["knowledge"] = {"levels": {"investment": level, "mortgage": rng.choice(["basic", "informed"]),
                                        "insurance": "informed", "pension": "basic"}, "answers": {}}
    if rng.random() < 0.6:
        preferences = rng.random() < 0.35
        data["sustainability"] = {"asked": True, "taxonomy_min_pct": rng.choice([5, 10, 20]) if preferences else 0,
                                  "sfdr_sustainable_min_pct": rng.choice([0, 20, 40]) if preferences else 0,
                                  "pai": preferences and rng.random() < 0.6, "pai_types": []}
    if rng.random() < 0.4:
        event = rng.choice(["marriage", "child", "home_purchase", "job_change", "self_employment", "divorce",
                            "retirement"])
        data["life_events"] = [{"type": event, "date": (today - datetime.timedelta(days=rng.randint(5, 1000)))
                               .isoformat()}]
    _per_person(random.Random(f"plan-{number}-{last}"), today, persons, income, data)
    return f"Huishouden {last}", persons, data


def _aow_age(born: datetime.date) -> float:
    years, months = load_parameters().aow_age(born)
    return years + months / 12


PENSION_PROVIDERS = ["ABP", "PFZW", "PMT", "bpfBOUW", "Nationale-Nederlanden", "a.s.r."]
ENERGY_LABELS = ["A+++", "A++", "A+", "A", "A", "B", "B", "C", "C", "D", "E", "F", "G"]


def _per_person(rng: random.Random, today: datetime.date, persons: list[dict], income: list[dict],
                data: dict) -> None:
    """What the planning core reads per person: pensions, employer covers, the insured person of each
    policy, the home's label and rebuild value, student debt. Drawn from a stream of its own, so the
    rest of the demo (drawn before) stays as it was."""
    pensions, details, answered = [], {}, []
    for item in income:
        role, gross = item["person"], item["gross_yearly"]
        if item["source"] == "employment":
            projected = round(gross * rng.uniform(0.2, 0.45), -2)
            pensions.append({"person": role, "provider": rng.choice(PENSION_PROVIDERS), "projected_year": projected,
                             "partner_pension_year": round(projected * 0.7, -2),
                             "accrued_year": round(projected * rng.uniform(0.2, 0.8), -2)})
            details[role] = {"employer_covers_wia_excess": rng.random() < 0.5,
                             "employer_covers_wga_gap": rng.random() < 0.6, "work_years": rng.randint(2, 35)}
        elif item["source"] == "self_employment" and rng.random() < 0.35:
            pensions.append({"person": role, "provider": "Lijfrente", "projected_year": round(gross * 0.1, -2),
                             "start_age": 67})
        elif item["source"] == "pension":
            pensions.append({"person": role, "provider": rng.choice(PENSION_PROVIDERS), "projected_year": gross,
                             "partner_pension_year": round(gross * 0.7, -2)})
        answered.append(role)
    for person in persons:
        if person["role"] in {"client", "partner"} and person["role"] not in answered and rng.random() < 0.7:
            answered.append(person["role"])  # no income of their own, and no pension: answered, none
    data["pensions"], data["pensions_answered"], data["person_details"] = pensions, answered, details
    partner = any(person["role"] == "partner" for person in persons)
    for product in data["existing_products"]:
        if product["category"] == "term_life":
            product["insured"] = "partner" if partner and rng.random() < 0.3 else "client"
        elif product["category"] == "income_protection":
            profit = next((item["gross_yearly"] for item in income if item["source"] == "self_employment"), 0)
            product["insured"], product["benefit_year"] = "client", round(profit * rng.uniform(0.4, 0.8), -2)
    if data["assets"]["home_value"]:
        data["home"] = {"energy_label": rng.choice(ENERGY_LABELS),
                        "rebuild_value": round(data["assets"]["home_value"] * rng.uniform(0.5, 0.8), -3)}
    if any(person["role"] == "client" and (today - person["date_of_birth"]).days < 36 * 365
           for person in persons) and rng.random() < 0.5:
        data["student_debt_monthly"] = float(rng.choice([80, 120, 180, 250]))
