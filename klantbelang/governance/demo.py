"""Demo product governance for Demo Advies: adviser feedback, signals from complaints and from
advice outside the target market, a finished book-wide review (with its unmet needs and follow-up
reviews on the advisers' worklists), and a few signals already triaged."""

from klantbelang.accounts.models import User
from klantbelang.products.models import Product
from klantbelang.relationships.models import Complaint

from . import services
from .models import BookReview, Signal

FEEDBACK = [
    ("unclear_conditions", "De uitsluitingen bij arbeidsongeschiktheid door psychische klachten zijn niet te "
                           "volgen voor klanten; twee klanten vroegen om uitleg die de voorwaarden niet geven."),
    ("cost", "De afsluitkosten zijn hoog voor kleine bedragen: bij een inleg onder € 10.000 gaat bijna een "
             "jaar rendement op aan kosten."),
    ("target_too_narrow", "De doelgroep sluit zzp'ers uit, terwijl juist zij deze dekking zoeken."),
    ("process", "Offertes komen pas na drie weken; klanten haken af."),
    ("missing_feature", "Geen mogelijkheid om de dekking tijdelijk te verlagen bij inkomensdaling."),
    ("target_too_wide", "Het product staat open voor beginnende beleggers, maar de kostenstructuur vraagt "
                        "ervaring om te begrijpen."),
]


def seed(context: dict) -> None:
    firm = context["firms"]["demo-advies"]
    if BookReview.objects.filter(firm=firm).exists():
        return
    adviser = User.objects.get(email="adviser@demo.nl")
    manager = User.objects.get(email="manager@demo.nl")
    products = list(Product.objects.filter(firm=firm, category__in=["income_protection", "investment_fund",
                                                                    "term_life", "mortgage"])
                    .select_related("provider").order_by("code")[:6])
    for product, (category, text) in zip(products, FEEDBACK, strict=True):
        services.report(product=product, by=adviser, category=category, description=text)
    for complaint, product in zip(Complaint.objects.filter(firm=firm, product__isnull=True).order_by("pk")[:3],
                                  products, strict=False):
        Complaint.objects.filter(pk=complaint.pk).update(product=product)
    services.collect(firm)
    services.book_review(firm=firm, by=manager)
    feedback = list(Signal.objects.filter(firm=firm, source="adviser").order_by("pk"))
    services.triage(signal=feedback[0], by=manager, status="accepted", note="Voorleggen aan de verzekeraar.")
    services.triage(signal=feedback[1], by=manager, status="dismissed",
                    note="Kosten zijn transparant gemeld; de klant koos bewust voor dit product.")
    for deviation in Signal.objects.filter(firm=firm, source="deviation").order_by("pk"):
        target = Signal.objects.filter(firm=firm, source="review", product=deviation.product).first()
        if target is not None:
            services.triage(signal=deviation, by=manager, status="merged", merged_into=target,
                            note="Dezelfde oorzaak als de bevinding van de boekcontrole.")
            break
    provider = _reports(firm, manager)
    if provider is not None:
        _manufacturer(firm, manager, provider)
        _dialogue(firm, manager, provider)
    from klantbelang.quality.services import refresh

    refresh(firm)  # the dashboard's product-governance module counts the answered report items
    context["stdout"].write("Product governance: signals of every source, a finished book-wide review, two "
                            "distributor reports with responses, signals shared with and answered by the "
                            "manufacturer, dialogue topics in every stage.")


RESPONSES = [
    "Dank voor de terugkoppeling. We verfijnen de doelgroep in de volgende productreview (Q1) en sturen de "
    "nieuwe EMT zodra die er is.",
    "We herkennen dit; de voorwaarden worden herschreven in begrijpelijke taal. Een concept volgt voor uw "
    "klantpanel.",
]


def _reports(firm, manager):
    """Two sent reports with responses: the busiest providers' last calendar year, or else a
    finished quarter of this year (reports cover whole years or quarters and never overlap)."""
    from django.db.models import Count
    from django.utils import timezone

    from klantbelang.products.models import Provider

    from . import reports

    year = timezone.localdate().year
    finished = (timezone.localdate().month - 1) // 3
    periods = [services.quarter(year - 1, 0)] + [services.quarter(year, number) for number in range(finished, 0, -1)]
    busiest = (Provider.objects.filter(firm=firm, products__recommendations__isnull=False)
               .annotate(count=Count("products__recommendations")).order_by("-count", "name")[:8])

    def worth_reporting(data):
        return data["signals"] or any(item["advised"] is not None for item in data["products"])

    chosen = []
    for start, end in periods:
        for provider in busiest:
            if len(chosen) < 2 and worth_reporting(reports.build(firm=firm, provider=provider, start=start, end=end)):
                chosen.append((provider, start, end))
    for (provider, start, end), answer in zip(chosen, RESPONSES, strict=False):
        report = services.create_report(firm=firm, by=manager, provider=provider, start=start, end=end)
        report = services.mark_sent(report=report, by=manager, to=f"productgovernance@{provider.pk}.example.nl")
        shown = [item for item in report.data["products"] if item["advised"] is not None] + report.data["signals"]
        for item in shown[:2]:
            services.record_response(report=report, by=manager, item=item["item"], text=answer)
    return chosen[0][0] if chosen else None


def _manufacturer(firm, manager, provider) -> None:
    """Priya Smit works for the provider of the first report: signals shared with it, her answers."""
    from . import sharing
    from .models import Signal

    developer = User.objects.get(email="productdev@demo.nl")
    sharing.link_developer(user=developer, provider=provider, by=manager)
    adviser = User.objects.get(email="pension@demo.nl")
    product = Product.objects.filter(firm=firm, provider=provider).order_by("code").first()
    feedback = services.report(product=product, by=adviser, category="process",
                               description="Offertes komen pas na drie weken; twee klanten haakten af en kozen "
                                           "een ander product.")
    services.triage(signal=feedback, by=manager, status="accepted", note="Voorleggen aan de aanbieder.")
    sharing.share_signal(signal=feedback, by=manager, summary="Offertes voor dit product duren ongeveer drie "
                         "weken; klanten haken in die tijd af. Kan dat binnen een week?")
    sharing.answer_signal(signal=feedback, by=developer, text="Herkend: de acceptatie wacht op een medische "
                          "vragenlijst op papier. Vanaf volgend kwartaal gaat die digitaal; we verwachten offertes "
                          "binnen vijf werkdagen.")
    for signal in Signal.objects.filter(firm=firm, provider=provider, source__in=["review", "deviation"],
                                        status__in=["new", "accepted"]).order_by("-clients", "pk")[:2]:
        if signal.status == "new":
            services.triage(signal=signal, by=manager, status="accepted", note="Doelgroep bespreken met de aanbieder.")
        sharing.share_signal(signal=signal, by=manager, summary=(
            "Bij de boekcontrole vielen klanten met dit product buiten de doelgroep, vooral op leeftijd en "
            "horizon. Past de doelgroep nog bij hoe het product gebruikt wordt?"))
    unmet = Signal.objects.filter(firm=firm, source="unmet_need", status="new").order_by("-clients", "pk").first()
    if unmet is not None:
        services.triage(signal=unmet, by=manager, status="accepted", note="Vraag voorleggen aan de markt.")
        sharing.share_signal(signal=unmet, by=manager, provider=provider, summary=(
            "Voor deze behoefte vond de boekcontrole geen passend product op ons schap. Ziet u ruimte voor een "
            "product voor deze groep?"))
    report = provider.distributor_reports.filter(firm=firm).order_by("start").first()
    item = next((row["item"] for row in report.data["products"] if row["advised"] is not None), None)
    if item is not None:
        services.record_response(report=report, by=developer, item=item, text=(
            "Wij nemen de afwijkingen mee in de productreview; de doelgroep voor klanten vanaf 60 wordt verruimd."))


TOPICS = [
    # stage, subject, title, question
    ("exploring", "product", "Uitsluitingen die klanten niet begrijpen",
     "Klanten lezen de uitsluitingen pas als ze een claim doen. Hoe maken we vooraf duidelijk wat niet gedekt is?"),
    ("proposal", "need", "Tijdelijk minder premie bij inkomensdaling",
     "Zzp'ers met een wisselend inkomen zeggen hun verzekering op in een mager jaar. Wat zou hen helpen?"),
    ("decision", "product", "Offertes binnen een week",
     "Offertes duren drie weken en klanten haken af. Wat is er nodig om binnen een week te offreren?"),
    ("follow_up", "way_of_working", "Eerst kennismaken, dan pas adviseren",
     "Hoe zorgen we dat klant en adviseur eerst beslissen of ze een lange relatie willen, voordat er over "
     "producten gesproken wordt?"),
]

CONTRIBUTIONS = {
    "exploring": [
        ("adviser@demo.nl", "observation", "Bij drie claims dit jaar was de klant verrast door de uitsluiting voor "
                                           "psychische klachten."),
        ("client@demo.nl", "need", "Ik wil in gewone woorden weten wanneer ik niets krijg, vóórdat ik teken."),
        ("productdev@demo.nl", "idea", "Een korte 'wat niet gedekt is'-kaart van één pagina bij elke offerte."),
    ],
    "proposal": [
        ("client@demo.nl", "need", "In een slecht jaar wil ik de dekking niet kwijt, maar de premie moet omlaag "
                                   "kunnen."),
        ("pension@demo.nl", "observation", "Vier klanten zegden dit jaar hun AOV op na een inkomensdip; geen van "
                                           "hen sloot later opnieuw af."),
        ("productdev@demo.nl", "idea", "Een pauzeknop: twaalf maanden de helft van de dekking tegen een derde van "
                                       "de premie."),
        ("manager@demo.nl", "experiment", "Een half jaar proef met tien klanten die het aanbieden waard vinden; "
                                          "wij meten opzeggingen en tevredenheid."),
        ("adviser@demo.nl", "observation", "Bel mij maar, dan regel ik het wel even buiten de regels om."),
    ],
    "decision": [
        ("adviser@demo.nl", "observation", "Klanten haken af na twee weken wachten; ze kiezen dan wat de bank "
                                           "aanbiedt."),
        ("client@demo.nl", "need", "Ik wil binnen een week weten waar ik aan toe ben."),
        ("productdev@demo.nl", "idea", "De medische vragenlijst digitaal maken; dan kan de acceptatie meteen "
                                       "beginnen."),
        ("manager@demo.nl", "experiment", "Wij leveren de vragenlijst digitaal aan zodra de aanbieder dat kan, en "
                                          "volgen de doorlooptijd per offerte."),
    ],
    "follow_up": [
        ("client@demo.nl", "need", "Ik wil eerst weten hoe het kantoor werkt en wat het kost, voordat ik mijn "
                                   "hele financiële leven laat zien."),
        ("adviser@demo.nl", "idea", "Een kennismakingsgesprek van een half uur, zonder product, met de "
                                    "dienstverleningsafspraak als uitkomst."),
        ("productdev@demo.nl", "observation", "Bij ons zien we minder vroege opzeggingen bij kantoren die zo "
                                              "werken."),
        ("manager@demo.nl", "result", "Na drie maanden: 38 kennismakingen, 31 relaties aangegaan, geen enkele "
                                      "klacht over druk."),
    ],
}


def _dialogue(firm, manager, provider) -> None:
    from . import topics
    from .models import Signal

    client = User.objects.get(email="client@demo.nl")
    topics.opt_in(by=client, show_name=False)
    people = {email: User.objects.get(email=email) for email in
              {email for entries in CONTRIBUTIONS.values() for email, _kind, _text in entries}}
    product = Product.objects.filter(firm=firm, provider=provider).order_by("code").first()
    answered = Signal.objects.filter(firm=firm, shared_with=provider, answers__isnull=False).first()
    for stage, subject, title, question in TOPICS:
        topic = topics.open_topic(by=manager, title=title, subject=subject, question=question,
                                  product=product if subject == "product" else None,
                                  need_type="income_protection" if subject == "need" else "", provider=provider,
                                  clients_invited=True)
        for email, kind, text in CONTRIBUTIONS[stage]:
            contribution = topics.contribute(topic=topic, by=people[email], kind=kind, text=text)
        if stage == "proposal":
            topics.hide(contribution=contribution, by=manager, reason="Niet in lijn met hoe wij werken; graag "
                                                                      "binnen de afspraken blijven.")
        order = ["exploring", "proposal", "decision", "follow_up"]
        for current in order[:order.index(stage)]:
            decision = {}
            if current == "proposal":
                decision = {"decision": f"Besloten: {title.lower()}.", "decision_signal": answered} if subject == \
                    "product" else {"decision": "Besloten: elke nieuwe klant krijgt eerst een kennismakingsgesprek.",
                                    "decision_change": "Het kennismakingsgesprek staat als eerste stap in onze "
                                                       "werkwijze; de dienstverleningsafspraak volgt eruit."}
            topic = topics.advance(topic=topic, by=manager, expected_stage=current, **decision)
