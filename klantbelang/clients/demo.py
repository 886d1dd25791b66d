"""Demo households: 500 for Demo Advies and 50 for Ander Kantoor, created through the services
so that every profile has its needs analysis; the household of Claire Mulder (client@demo.nl)
has portal access. Some households have marketing consent on record."""

import random

from django.utils import timezone

from klantbelang.accounts.models import Team

from .household_generator import household
from .models import Client, Consent, Person
from .privacy import record_consent
from .services import create_client, import_profile

SIZES = {"demo-advies": 500, "ander-kantoor": 50}
# Postcode areas around Utrecht and Amersfoort, where the demo firm works.
POSTCODE_AREAS = (3511, 3512, 3521, 3523, 3531, 3552, 3581, 3584, 3722, 3731, 3811, 3815, 3824)
LETTERS = "ABCEGHJKLMNPRTVWXZ"


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice(POSTCODE_AREAS)} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def seed(context: dict) -> None:
    today = timezone.localdate()
    people = context["people"]
    advisers = {"demo-advies": [people["adviser@demo.nl"], people["pension@demo.nl"]],
                "ander-kantoor": [people["adviser@other.nl"]]}
    created = 0
    for slug, size in SIZES.items():
        firm = context["firms"][slug]
        rng = random.Random(f"households-{slug}")
        postcodes = random.Random(f"postcodes-{slug}")  # its own sequence: the households stay as they were
        teams = list(Team.objects.filter(firm=firm).order_by("name"))
        existing = set(Client.objects.filter(firm=firm).values_list("reference", flat=True))
        for number in range(1, size + 1):
            name, persons, data = household(rng, today, number)
            reference = f"K{number:06d}"
            postcode = _postcode(postcodes)
            if reference in existing:
                continue
            adviser = advisers[slug][number % len(advisers[slug])]
            team = next((team for team in teams if adviser in team.members.all()), None)
            client = create_client(firm=firm, by=None, name=name, responsible_adviser=adviser, team=team,
                                   persons=persons, reference=reference, postcode=postcode, today=today)
            import_profile(client=client, data=data, today=today)
            created += 1
    demo = context["firms"]["demo-advies"]
    claire = people["client@demo.nl"]
    if not Client.objects.filter(portal_user=claire).exists():
        client = create_client(firm=demo, by=None, name="Huishouden Mulder",
                               responsible_adviser=people["adviser@demo.nl"],
                               persons=[{"role": "client", "first_name": "Claire", "last_name": "Mulder",
                                         "email": "client@demo.nl"}], reference="K900001", postcode="3581 KP",
                               today=today)
        client.portal_user = claire
        client.save(update_fields=["portal_user"])
        Person.objects.filter(client=client).update(employment="")
        created += 1
    _consents(demo, people)
    context["stdout"].write(f"Clients: {created} created.")


def _consents(firm, people) -> None:
    """Marketing consent as a firm collects it: Claire chose in the portal, some households told
    their adviser (one changed their mind), most were never asked — and so are not contacted."""
    if Consent.objects.filter(client__firm=firm).exists():
        return
    claire = Client.objects.get(portal_user=people["client@demo.nl"])
    record_consent(client=claire, by=people["client@demo.nl"], purpose="marketing_email", given=True, channel="portal")
    adviser = people["adviser@demo.nl"]
    for number, client in enumerate(Client.objects.filter(firm=firm, responsible_adviser=adviser)
                                    .exclude(pk=claire.pk).order_by("reference")[:12]):
        record_consent(client=client, by=adviser, purpose=("marketing_email", "marketing_phone")[number % 2],
                       given=True, channel=("in_person", "phone", "writing")[number % 3])
        if number % 4 == 3:
            record_consent(client=client, by=adviser, purpose=("marketing_email", "marketing_phone")[number % 2],
                           given=False, channel="phone")
