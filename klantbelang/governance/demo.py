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
    _reports(firm, manager)
    from klantbelang.quality.services import refresh

    refresh(firm)  # the dashboard's product-governance module counts the answered report items
    context["stdout"].write("Product governance: signals of every source, a finished book-wide review, two "
                            "distributor reports with responses.")


RESPONSES = [
    "Dank voor de terugkoppeling. We verfijnen de doelgroep in de volgende productreview (Q1) en sturen de "
    "nieuwe EMT zodra die er is.",
    "We herkennen dit; de voorwaarden worden herschreven in begrijpelijke taal. Een concept volgt voor uw "
    "klantpanel.",
]


def _reports(firm, manager) -> None:
    from django.db.models import Count
    from django.utils import timezone

    from klantbelang.products.models import Provider

    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    from . import reports

    busiest = (Provider.objects.filter(firm=firm, products__recommendations__isnull=False)
               .annotate(count=Count("products__recommendations")).order_by("-count", "name")[:8])
    def worth_reporting(data):
        return data["signals"] or any(item["advised"] is not None for item in data["products"])

    # The two busiest providers with something to show above the minimum group.
    chosen = [provider for provider in busiest
              if worth_reporting(reports.build(firm=firm, provider=provider, start=start, end=today))][:2]
    for provider, answer in zip(chosen, RESPONSES, strict=False):
        report = services.create_report(firm=firm, by=manager, provider=provider, start=start, end=today)
        report = services.mark_sent(report=report, by=manager, to=f"productgovernance@{provider.pk}.example.nl")
        shown = [item for item in report.data["products"] if item["advised"] is not None] + report.data["signals"]
        for item in shown[:2]:
            services.record_response(report=report, by=manager, item=item["item"], text=answer)
