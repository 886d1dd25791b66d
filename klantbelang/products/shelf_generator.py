"""A seeded generator of a realistic product shelf for the demo and the benchmarks (plain Python).

Target markets are consistent with the products: a capital-guaranteed savings account is fit for
clients who cannot bear loss; an emerging-markets small-cap fund is not, needs an informed
investor, a long horizon and a high risk tolerance. Providers and products are fictional.
"""

import datetime
import random

from .importing.parsed import ParsedProduct, empty_target_market

INSURERS = [
    "Noorderlicht Verzekeringen", "Zeeuwse Levensverzekering", "Polderzekerheid", "Dijkgraaf Verzekeringen",
    "Veluwe Schade", "Brabantse Onderlinge", "Waddenzee Leven", "Hanze Verzekeringen", "Friesland Mutual",
    "Limburgs Verbond", "Schelde Assurantiën", "Ardennes Assurances", "Kempen Verzekeringen", "Delta Leven",
    "IJssel Schadeverzekeringen", "Vlaamse Voorzorg", "Randstad Uitvaart", "Oranjewoud Verzekeringen",
    "Holland Inkomensgarantie", "Meierij Verzekeringen",
]
BANKS = [
    "Polderbank", "Grachtenbank", "Hanzebank", "Duinbank", "Scheldebank", "Maasbank", "Vechtdal Spaarbank",
    "Kempische Bank", "Amstel Hypotheken", "Veenkoloniale Bank",
]
ASSET_MANAGERS = [
    "Lighthouse Asset Management", "Tulpenveld Beleggingen", "Windmolen Capital", "Rijnmond Investments",
    "Eikenhout Vermogensbeheer", "Horizon Index Partners", "Groenfonds Beheer", "Brugge Asset Management",
    "Noordzee Fondsen", "Kasteel Beleggingsfondsen", "Klimaat Kapitaal", "Oosterschelde Investments",
]
PENSION_PROVIDERS = [
    "Pensioenhuis Nederland", "Lijfrente Collectief", "Oudedag Pensioenen", "Vlaams Pensioenfonds",
    "Premiepensioen Instelling Noord",
]

FUND_KINDS = [
    # name, SRI range, horizon years, knowledge floor, objectives Y, loss level %, ongoing cost range
    ("Geldmarktfonds", (1, 1), 0, "basic", ("preservation",), None, (0.05, 0.2)),
    ("Staatsobligatiefonds", (2, 2), 2, "basic", ("preservation", "income"), 10, (0.1, 0.35)),
    ("Bedrijfsobligatiefonds", (2, 3), 3, "basic", ("income",), 15, (0.2, 0.6)),
    ("Mixfonds Defensief", (3, 3), 4, "basic", ("growth", "income"), 20, (0.3, 0.9)),
    ("Mixfonds Neutraal", (3, 4), 5, "basic", ("growth",), None, (0.3, 1.0)),
    ("Wereldwijd Aandelen Indexfonds", (4, 4), 7, "basic", ("growth",), None, (0.1, 0.3)),
    ("Europa Aandelenfonds", (4, 5), 7, "informed", ("growth",), None, (0.5, 1.4)),
    ("Opkomende Markten Small Cap", (6, 6), 10, "informed", ("growth",), None, (1.0, 1.8)),
    ("Technologie Thematisch Fonds", (5, 6), 8, "informed", ("growth",), None, (0.7, 1.6)),
    ("Vastgoedfonds", (4, 5), 7, "informed", ("income", "growth"), None, (0.5, 1.2)),
    ("Hefboom ETF", (7, 7), 1, "advanced", ("leveraged",), None, (0.8, 1.5)),
]
INSURANCE = {
    # category: (need, name stem, entry ages, minimum horizon, execution only allowed, ongoing cost range)
    "term_life": ("death_cover", "Overlijdensrisicoverzekering", (18, 65), 5, False, (0.0, 0.0)),
    "funeral": ("funeral_cover", "Uitvaartverzekering", (0, 85), 1, True, (0.0, 0.0)),
    "income_protection": ("income_protection", "Arbeidsongeschiktheidsverzekering", (18, 60), 1, False, (0.0, 0.0)),
    "home": ("home_cover", "Woonhuis- en inboedelverzekering", (18, None), 1, True, (0.0, 0.0)),
    "liability": ("liability_cover", "Aansprakelijkheidsverzekering particulieren", (18, None), 1, True,
                  (0.0, 0.0)),
    "car": ("car_cover", "Autoverzekering", (18, None), 1, True, (0.0, 0.0)),
    "travel": ("travel_cover", "Doorlopende reisverzekering", (0, None), 0, True, (0.0, 0.0)),
}
PENSION_KINDS = ["Lijfrentesparen", "Lijfrentebeleggen", "Direct Ingaande Lijfrente", "Nettopensioen"]
VARIANTS = ["Basis", "Plus", "Compleet", "Top", "Select", "Flex", "Comfort", "Budget", "Premium", "Zeker"]


def _isin(rng: random.Random, country: str) -> str:
    return country + "".join(str(rng.randint(0, 9)) for _ in range(10))


def _target_market(*, retail="Y", professional="Y", knowledge=("Y", "Y", "Y"), loss=("N", "N", "Y", "neutral"),
                   objectives=None, service=("N", "neutral", "Y", "Y")) -> dict:
    market = empty_target_market()
    market["client_type"] = {"retail": retail, "professional": professional}
    market["knowledge"] = dict(zip(("basic", "informed", "advanced"), knowledge, strict=True))
    market["loss"] = dict(zip(("none", "limited", "no_guarantee", "beyond_capital"), loss, strict=True))
    market["objectives"] = {**dict.fromkeys(("preservation", "growth", "income", "hedging", "leveraged"), "neutral"),
                            **(objectives or {})}
    market["service"] = dict(zip(("execution_only", "non_advised", "advice", "portfolio_management"), service,
                                 strict=True))
    return market


def _review_date(rng: random.Random) -> datetime.date:
    return datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))


def _fund(rng: random.Random, index: int, provider: str, provider_type: str = "asset_manager") -> ParsedProduct:
    name, (sri_low, sri_high), horizon, knowledge_floor, wanted, loss_level, costs = rng.choice(FUND_KINDS)
    sri = rng.randint(sri_low, sri_high)
    knowledge = {"basic": ("Y", "Y", "Y"), "informed": ("N", "Y", "Y"), "advanced": ("N", "N", "Y")}[knowledge_floor]
    if sri == 1:
        loss = ("Y", "Y", "Y", "Y")
    elif loss_level is not None:
        loss = ("N", "Y", "Y", "neutral")
    elif sri >= 7:
        loss = ("N", "N", "N", "Y")
    else:
        loss = ("N", "N", "Y", "neutral")
    objectives = dict.fromkeys(wanted, "Y")
    if "leveraged" not in wanted:
        objectives["leveraged"] = "N"
    if sri >= 4:
        objectives["preservation"] = "N"
    if sri <= 2:
        objectives["growth"] = "N"
    service = ("N", "N", "Y", "Y") if knowledge_floor != "basic" else ("Y", "neutral", "Y", "Y")
    article = rng.choices([6, 8, 9], weights=[4, 5, 1])[0]
    taxonomy = {6: 0.0, 8: round(rng.uniform(0, 25), 1), 9: round(rng.uniform(20, 70), 1)}[article]
    sustainable = {6: 0.0, 8: round(rng.uniform(10, 50), 1), 9: round(rng.uniform(60, 100), 1)}[article]
    style = rng.choice(["Duurzaam ", "ESG ", "", "", "Klimaat "]) if article != 6 else ""
    return ParsedProduct(
        code=_isin(rng, rng.choice(["NL", "LU", "BE", "IE"])), row=index,
        name=f"{provider.split()[0]} {style}{name} {rng.choice(['A', 'B', 'I', 'R'])}{index % 7 or ''}".strip(),
        provider_name=provider, provider_type=provider_type, category="investment_fund",
        description=f"{name}, risicoklasse {sri}.", one_off_cost_pct=0.0,
        ongoing_cost_pct=round(rng.uniform(*costs), 2), sri=sri, sfdr_article=article, taxonomy_pct=taxonomy,
        sustainable_pct=sustainable, pai_considered=article != 6 or rng.random() < 0.2,
        target_market=_target_market(knowledge=knowledge, loss=loss, objectives=objectives, service=service),
        loss_level_pct=float(loss_level) if loss_level is not None and sri > 1 else None,
        min_horizon_years=float(horizon),
        needs_served=["capital_preservation", "emergency_buffer"] if sri <= 2 else ["wealth_building", "goal_funding"],
        distribution_strategy="Execution only toegestaan" if service[0] == "Y" else "Alleen met advies of beheer",
        review_date=_review_date(rng),
    )


def _structured_note(rng, index, provider) -> ParsedProduct:
    sri = rng.randint(3, 6)
    protected = rng.random() < 0.4
    return ParsedProduct(
        code=_isin(rng, "NL"), row=index, name=f"{provider.split()[0]} Autocallable Note {2027 + index % 5}",
        provider_name=provider, provider_type="bank", category="structured_note",
        description="Gestructureerd product met voorwaardelijke kapitaalbescherming.",
        one_off_cost_pct=round(rng.uniform(0.5, 2.5), 2), ongoing_cost_pct=round(rng.uniform(0.4, 1.2), 2), sri=sri,
        sfdr_article=6, taxonomy_pct=0.0, sustainable_pct=0.0, pai_considered=False,
        target_market=_target_market(knowledge=("N", "Y", "Y") if protected else ("N", "N", "Y"),
                                     loss=("N", "Y", "Y", "N") if protected else ("N", "N", "Y", "N"),
                                     objectives={"growth": "Y", "hedging": "neutral", "preservation": "N"},
                                     service=("N", "N", "Y", "Y")),
        loss_level_pct=float(rng.choice([10, 20, 30])) if protected else None,
        min_horizon_years=float(rng.randint(3, 6)),
        needs_served=["wealth_building"], distribution_strategy="Alleen met advies; complex product",
        review_date=_review_date(rng),
    )


def _savings(rng, index, provider) -> ParsedProduct:
    term = rng.choice([0, 0, 1, 3, 5])
    return ParsedProduct(
        code=f"{provider[:3].upper()}-SP{index:04d}", row=index,
        name=f"{provider} {'Internetsparen' if term == 0 else f'Deposito {term} jaar'} {rng.choice(VARIANTS)}",
        provider_name=provider, provider_type="bank", category="savings",
        description="Spaarrekening onder het depositogarantiestelsel.", one_off_cost_pct=0.0, ongoing_cost_pct=0.0,
        sri=1, sfdr_article=6, taxonomy_pct=0.0, sustainable_pct=0.0, pai_considered=False,
        target_market=_target_market(knowledge=("Y", "Y", "Y"), loss=("Y", "Y", "Y", "Y"),
                                     objectives={"preservation": "Y", "income": "Y", "growth": "N",
                                                 "leveraged": "N"},
                                     service=("Y", "Y", "Y", "Y")),
        min_horizon_years=float(term), needs_served=["emergency_buffer", "capital_preservation"],
        distribution_strategy="Alle kanalen", review_date=_review_date(rng),
    )


def _pension(rng, index, provider) -> ParsedProduct:
    sri = rng.randint(1, 4)
    return ParsedProduct(
        code=f"{provider[:3].upper()}-PR{index:04d}", row=index,
        name=f"{provider} {rng.choice(PENSION_KINDS)} {rng.choice(VARIANTS)}",
        provider_name=provider, provider_type="pension_provider", category="pension_annuity",
        description="Fiscaal gefaciliteerde oudedagsvoorziening.", one_off_cost_pct=0.0,
        ongoing_cost_pct=round(rng.uniform(0.2, 0.9), 2), sri=sri, sfdr_article=rng.choice([6, 8]),
        taxonomy_pct=round(rng.uniform(0, 15), 1), sustainable_pct=round(rng.uniform(0, 40), 1),
        pai_considered=rng.random() < 0.6,
        target_market=_target_market(knowledge=("Y", "Y", "Y"),
                                     loss=("Y", "Y", "Y", "Y") if sri == 1 else ("N", "Y", "Y", "neutral"),
                                     objectives={"income": "Y", "preservation": "Y" if sri <= 2 else "neutral",
                                                 "growth": "Y" if sri >= 3 else "neutral", "leveraged": "N"},
                                     service=("N", "neutral", "Y", "Y")),
        loss_level_pct=float(10 * sri) if sri > 1 else None, min_horizon_years=float(rng.choice([5, 10, 15])),
        needs_served=["pension_gap"], min_entry_age=18, max_entry_age=rng.choice([60, 65, 70]),
        distribution_strategy="Met advies", review_date=_review_date(rng),
    )


def _mortgage(rng, index, provider) -> ParsedProduct:
    fixed = rng.choice([5, 10, 15, 20, 30])
    return ParsedProduct(
        code=f"{provider[:3].upper()}-HY{index:04d}", row=index,
        name=f"{provider} {rng.choice(['Annuïteitenhypotheek', 'Lineaire hypotheek', 'Duurzaam Wonen Hypotheek'])} "
             f"{fixed} jaar vast",
        provider_name=provider, provider_type=rng.choice(["bank", "insurer"]), category="mortgage",
        description=f"Hypotheek met een rentevaste periode van {fixed} jaar.", one_off_cost_pct=0.0,
        ongoing_cost_pct=None, sri=None, sfdr_article=None,
        target_market=_target_market(knowledge=("Y", "Y", "Y"), loss=("neutral",) * 4,
                                     objectives={"hedging": "neutral", "growth": "N", "income": "N",
                                                 "leveraged": "N"},
                                     service=("N", "N", "Y", "neutral")),
        min_horizon_years=float(min(fixed, 10)), needs_served=["mortgage_financing", "mortgage_rate_reset"],
        min_entry_age=18, max_entry_age=75, distribution_strategy="Alleen met advies (Wft)",
        review_date=_review_date(rng),
    )


def _insurance(rng, index, provider, category) -> ParsedProduct:
    need, stem, (low, high), horizon, execution_only, _costs = INSURANCE[category]
    return ParsedProduct(
        code=f"{provider[:3].upper()}-{category[:2].upper()}{index:04d}", row=index,
        name=f"{provider} {stem} {rng.choice(VARIANTS)}", provider_name=provider, provider_type="insurer",
        category=category, description=f"{stem}.", one_off_cost_pct=0.0, ongoing_cost_pct=None, sri=None,
        target_market=_target_market(knowledge=("Y", "Y", "Y"), loss=("Y", "Y", "Y", "Y"),
                                     objectives={"hedging": "Y", "growth": "N", "income": "N", "leveraged": "N"},
                                     service=("Y" if execution_only else "N", "Y" if execution_only else "neutral",
                                              "Y", "neutral")),
        min_horizon_years=float(horizon), needs_served=[need], min_entry_age=low, max_entry_age=high,
        distribution_strategy="Alle kanalen" if execution_only else "Met advies",
        review_date=_review_date(rng),
    )


def generate_shelf(*, seed: int = 20261126, size: int = 2000) -> list[ParsedProduct]:
    """``size`` products (at least) from 47 providers over every category, reproducible by ``seed``."""
    rng = random.Random(seed)
    products: list[ParsedProduct] = []
    makers = []
    for provider in ASSET_MANAGERS:
        makers += [(lambda i, p=provider: _fund(rng, i, p))] * 6
    for provider in BANKS:
        makers += [(lambda i, p=provider: _savings(rng, i, p)), (lambda i, p=provider: _mortgage(rng, i, p)),
                   (lambda i, p=provider: _structured_note(rng, i, p)),
                   (lambda i, p=provider: _fund(rng, i, p, "bank"))]
    for provider in PENSION_PROVIDERS:
        makers += [(lambda i, p=provider: _pension(rng, i, p))] * 3
    for provider in INSURERS:
        for category in INSURANCE:
            makers.append(lambda i, p=provider, c=category: _insurance(rng, i, p, c))
        makers.append(lambda i, p=provider: _mortgage(rng, i, p))
    seen = set()
    index = 0
    while len(products) < size:
        maker = makers[index % len(makers)]
        index += 1
        item = maker(index)
        if item.code in seen:
            continue
        seen.add(item.code)
        products.append(item)
    return products


PROVIDERS = [*INSURERS, *BANKS, *ASSET_MANAGERS, *PENSION_PROVIDERS]


EMT_FIELDS = {
    # field number: (V4-style name, V2-style name, how to read it from a ParsedProduct)
    "00010": ("Financial_Instrument_Identifying_Data", "ISIN", lambda p: p.code),
    "00020": ("Type_Of_Identification_Code_For_The_Financial_Instrument", "Type_Of_Code", lambda p: "1"),
    "00030": ("Financial_Instrument_Name", "Instrument_Name", lambda p: p.name),
    "00040": ("Financial_Instrument_Currency", "Currency", lambda p: "EUR"),
    "01010": ("Investor_Type_Retail", "Retail", lambda p: p.target_market["client_type"]["retail"]),
    "01020": ("Investor_Type_Professional", "Professional", lambda p: p.target_market["client_type"]["professional"]),
    "02010": ("Basic_Investor", "Basic_Investor_Knowledge", lambda p: p.target_market["knowledge"]["basic"]),
    "02020": ("Informed_Investor", "Informed_Investor_Knowledge", lambda p: p.target_market["knowledge"]["informed"]),
    "02030": ("Advanced_Investor", "Advanced_Investor_Knowledge", lambda p: p.target_market["knowledge"]["advanced"]),
    "03010": ("Compatible_With_Clients_Who_Can_Not_Bear_Capital_Loss", "No_Capital_Loss",
              lambda p: p.target_market["loss"]["none"]),
    "03020": ("Compatible_With_Clients_Who_Can_Bear_Limited_Capital_Loss", "Limited_Capital_Loss",
              lambda p: p.target_market["loss"]["limited"]),
    "03030": ("Limited_Capital_Loss_Level", "Limited_Capital_Loss_Level", lambda p: p.loss_level_pct),
    "03040": ("Compatible_With_Clients_Who_Do_Not_Need_Capital_Guarantee", "No_Capital_Guarantee",
              lambda p: p.target_market["loss"]["no_guarantee"]),
    "03050": ("Compatible_With_Clients_Who_Can_Bear_Loss_Beyond_Capital", "Loss_Beyond_Capital",
              lambda p: p.target_market["loss"]["beyond_capital"]),
    "04010": ("Risk_Tolerance_PRIIPS_Methodology", "SRI", lambda p: p.sri),
    "05010": ("Return_Profile_Preservation", "Preservation", lambda p: p.target_market["objectives"]["preservation"]),
    "05020": ("Return_Profile_Growth", "Growth", lambda p: p.target_market["objectives"]["growth"]),
    "05030": ("Return_Profile_Income", "Income", lambda p: p.target_market["objectives"]["income"]),
    "05040": ("Return_Profile_Hedging", "Hedging", lambda p: p.target_market["objectives"]["hedging"]),
    "05050": ("Option_or_Leveraged_Return_Profile", "Leveraged", lambda p: p.target_market["objectives"]["leveraged"]),
    "05080": ("Minimum_Recommended_Holding_Period", "Holding_Period", lambda p: p.min_horizon_years),
    "06010": ("Execution_Only", "Execution_Only", lambda p: p.target_market["service"]["execution_only"]),
    "06020": ("Execution_With_Appropriateness_Test_Or_Non_Advised_Services", "Non_Advised",
              lambda p: p.target_market["service"]["non_advised"]),
    "06030": ("Investment_Advice", "Investment_Advice", lambda p: p.target_market["service"]["advice"]),
    "06040": ("Portfolio_Management", "Portfolio_Management",
              lambda p: p.target_market["service"]["portfolio_management"]),
    "07100": ("Financial_Instrument_Ongoing_Costs_Ex_Ante", "Ongoing_Costs", lambda p: p.ongoing_cost_pct),
}
_HORIZON_CODE = {0.0: "VS", 1.0: "S", 3.0: "M", 5.0: "L"}


def emt_text(products: list[ParsedProduct], *, style: str) -> str:
    """An EMT file of ``products`` in one of three dialects the demo ships:

    * ``v4``: V4 column names, ``;`` delimiter, Y/N/Neutral, 03030 as a fraction (0.1);
    * ``v2``: V2-style names, ``,`` delimiter, 03030 as a percentage (10);
    * ``lower``: V4 names, ``,`` delimiter, lower-case yes/no/neutral, horizon as VS/S/M/L codes.
    """
    import csv
    import io

    delimiter = ";" if style == "v4" else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([f"{number}_{names[1] if style == 'v2' else names[0]}" for number, names in EMT_FIELDS.items()])
    for item in products:
        row = []
        for number, (_v4, _v2, read) in EMT_FIELDS.items():
            value = read(item)
            if value is None:
                row.append("")
            elif number == "03030":
                row.append(f"{value / 100:g}" if style in {"v4", "lower"} else f"{value:g}")
            elif number == "05080" and style == "lower" and value in _HORIZON_CODE:
                row.append(_HORIZON_CODE[value])
            elif isinstance(value, float):
                row.append(f"{value:g}")
            elif value in {"Y", "N", "neutral"}:
                row.append({"Y": "yes", "N": "no", "neutral": "neutral"}[value] if style == "lower"
                           else {"Y": "Y", "N": "N", "neutral": "Neutral"}[value])
            else:
                row.append(str(value))
        writer.writerow(row)
    return buffer.getvalue()


EMT_DEMO_FILES = [
    # file name, provider, dialect
    ("emt-zuiderzee-fund-management-v4.csv", "Zuiderzee Fund Management", "v4"),
    ("emt-maasvallei-asset-management-v2.csv", "Maasvallei Asset Management", "v2"),
    ("emt-benelux-etf-partners.csv", "Benelux ETF Partners", "lower"),
]


def write_emt_demo_files(directory) -> list:
    """Write the three demo EMT files (40 funds each) into ``directory``; returns their paths."""
    from pathlib import Path

    paths = []
    for number, (filename, provider, style) in enumerate(EMT_DEMO_FILES):
        rng = random.Random(1000 + number)
        funds = [_fund(rng, index, provider) for index in range(1, 41)]
        path = Path(directory) / filename
        text = emt_text(funds, style=style)
        path.write_bytes(("\ufeff" if style == "v4" else "").encode() + text.encode("utf-8"))
        paths.append(path)
    return paths
