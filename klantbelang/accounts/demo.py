"""Demo firms, teams and one person per role (see README, "Demo logins")."""

from klantbelang.core.domains import Domain
from klantbelang.core.models import Firm
from klantbelang.core.roles import Role

from .models import Expertise, Membership, Team, User

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, demo data exists only with DEBUG on

PEOPLE = [
    # email, name, firm slug, roles, teams, expertise
    ("adviser@demo.nl", "Anna de Vries", "demo-advies", [Role.ADVISER], ["Team Hypotheek & Wonen"],
     [Domain.MORTGAGE, Domain.LIFE, Domain.NON_LIFE]),
    ("reviewer@demo.nl", "Ruben Bakker", "demo-advies", [Role.REVIEWER], ["Compliance"],
     [Domain.MORTGAGE, Domain.PENSION, Domain.INVESTMENT]),
    ("marketing@demo.nl", "Mila Jansen", "demo-advies", [Role.MARKETING], [], []),
    ("manager@demo.nl", "Mark Visser", "demo-advies", [Role.MANAGER], [], []),
    ("productdev@demo.nl", "Priya Smit", "demo-advies", [Role.PRODUCT_DEVELOPER], [], []),
    ("client@demo.nl", "Claire Mulder", "demo-advies", [Role.CLIENT], [], []),
    ("admin@demo.nl", "Adam Meijer", "demo-advies", [Role.ADMIN], [], []),
    ("pension@demo.nl", "Pieter de Boer", "demo-advies", [Role.ADVISER], ["Team Pensioen & Inkomen"],
     [Domain.PENSION, Domain.INCOME_PROTECTION, Domain.INVESTMENT]),
    ("hypotheek@demo.nl", "Hugo Hendriks", "demo-advies", [Role.ADVISER], ["Team Hypotheek & Wonen"],
     [Domain.MORTGAGE, Domain.LIFE, Domain.NON_LIFE]),
    ("inkomen@demo.nl", "Ilse Kramer", "demo-advies", [Role.ADVISER], ["Team Pensioen & Inkomen"],
     [Domain.PENSION, Domain.INCOME_PROTECTION, Domain.LIFE, Domain.INVESTMENT]),
    ("adviser@other.nl", "Olaf Peeters", "ander-kantoor", [Role.ADVISER], ["Team Antwerpen"],
     [Domain.MORTGAGE, Domain.PENSION]),
]

LOGINS = [
    ("adviser@demo.nl", "adviser, Demo Advies"),
    ("reviewer@demo.nl", "reviewer (four-eyes), Demo Advies"),
    ("marketing@demo.nl", "marketing, Demo Advies"),
    ("manager@demo.nl", "manager, Demo Advies"),
    ("productdev@demo.nl", "product developer, Demo Advies"),
    ("client@demo.nl", "client (portal), Demo Advies"),
    ("admin@demo.nl", "administrator, Demo Advies"),
    ("adviser@other.nl", "adviser, Ander Kantoor (another firm)"),
]


def seed(context: dict) -> None:
    firms = {
        "demo-advies": Firm.objects.get_or_create(
            slug="demo-advies", defaults={"name": "Demo Advies", "country": Firm.Country.NETHERLANDS,
                                          "registration_number": "AFM 12000001"})[0],
        "ander-kantoor": Firm.objects.get_or_create(
            slug="ander-kantoor", defaults={"name": "Ander Kantoor", "country": Firm.Country.BELGIUM,
                                            "registration_number": "FSMA 0123.456.789"})[0],
    }
    people = {}
    for email, name, firm_slug, roles, team_names, expertise in PEOPLE:
        firm = firms[firm_slug]
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        for role in roles:
            Membership.objects.get_or_create(user=user, firm=firm, role=role)
        for team_name in team_names:
            Team.objects.get_or_create(firm=firm, name=team_name)[0].members.add(user)
        for domain in expertise:
            Expertise.objects.get_or_create(user=user, domain=domain,
                                            defaults={"level": Expertise.Level.SPECIALIST})
        people[email] = user
    context.update(firms=firms, people=people)
    context.setdefault("logins", []).extend(LOGINS)
