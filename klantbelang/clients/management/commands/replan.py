"""manage.py replan --firm SLUG [--parameters NL-2026]

Plans every household of the firm again under a parameter set (run it when a new year's figures
arrive) and lists the households whose needs changed. Each changed household gets a new profile
version with the new needs, audited as system work.
"""

from django.core.management.base import BaseCommand, CommandError

from klantbelang.clients.services import replan_book
from klantbelang.core.models import Firm
from klantbelang.planning import DEFAULT_PARAMETER_SET, available_parameter_sets


class Command(BaseCommand):
    help = "Plan every household of a firm again and list those whose needs changed."

    def add_arguments(self, parser):
        parser.add_argument("--firm", required=True, help="the firm's slug")
        parser.add_argument("--parameters", default=DEFAULT_PARAMETER_SET, help="parameter set, e.g. NL-2026")

    def handle(self, *args, firm, parameters, **options):
        if parameters not in available_parameter_sets():
            raise CommandError(f"unknown parameter set {parameters!r}; known: "
                               f"{', '.join(available_parameter_sets())}", returncode=2)
        found = Firm.objects.filter(slug=firm).first()
        if found is None:
            raise CommandError(f"no firm {firm!r}", returncode=2)
        outcome = replan_book(firm=found, by=None, parameter_set=parameters)
        for item in outcome["changed"]:
            self.stdout.write(f"{item['reference']}  {item['name']}: "
                              f"{', '.join(need[0] for need in item['before']) or '-'} → "
                              f"{', '.join(need[0] for need in item['after']) or '-'}")
        self.stdout.write(f"{outcome['households']} households planned under {parameters}; "
                          f"{len(outcome['changed'])} with changed needs.")
