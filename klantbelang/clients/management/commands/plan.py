"""manage.py plan --household FILE.json [--format json|table] [--parameters NL-2026]

Reads one household (DESIGN.md, "Financial planning"), writes nothing, and prints its plan: the AOW
per person, the maximum mortgage, the needs and what is still to ask. Impossible input exits with
status 2 and names every bad field.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klantbelang.planning import HouseholdInvalid, UnknownParameterSet, available_parameter_sets, load_parameters, plan
from klantbelang.planning.needs import money_nl


class Command(BaseCommand):
    help = "Plan one household from a JSON file without touching the database."

    def add_arguments(self, parser):
        parser.add_argument("--household", required=True, help="household JSON file")
        parser.add_argument("--format", choices=["json", "table"], default="json", dest="output")
        parser.add_argument("--parameters", default="NL-2026", help="parameter set, e.g. NL-2026")

    def handle(self, *args, household, output, parameters, **options):
        try:
            data = json.loads(Path(household).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{household}: no such file", returncode=2) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{household}: not a JSON household ({error})", returncode=2) from None
        try:
            parameter_set = load_parameters(parameters)
        except UnknownParameterSet:
            raise CommandError(f"unknown parameter set {parameters!r}; known: "
                               f"{', '.join(available_parameter_sets())}", returncode=2) from None
        try:
            result = plan(data, parameters=parameter_set)
        except HouseholdInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(f"{error.field}: {error.message_en}")
            raise CommandError(f"{household}: {len(invalid.errors)} invalid field(s): "
                               f"{', '.join(error.field for error in invalid.errors)}", returncode=2) from None
        if output == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self._table(result)

    def _table(self, result):
        write = self.stdout.write
        write(f"Parameters {result['parameters']}, reference date {result['reference_date']}")
        for person in result["persons"]:
            write(f"  {person['id']:<10} AOW from {person['aow_date']}  {money_nl(person['aow_gross_year'])} a year")
        mortgage = result["max_mortgage"]
        write(f"Maximum mortgage {money_nl(mortgage['max_loan'])} (income {money_nl(mortgage['max_loan_income'])}, "
              f"toetsinkomen {money_nl(mortgage['toetsinkomen'])}, toetsrente {mortgage['toetsrente_pct']} %, "
              f"financieringslast {mortgage['financieringslast_pct']} %)")
        write("Needs:")
        for need in result["needs"]:
            amount = money_nl(need["amount"]) if need["amount"] is not None else "-"
            write(f"  {need['type']:<24} {need['person'] or 'household':<10} {amount:>14} {need['unit']:<9} "
                  f"{need['priority']}")
        write("To ask:")
        for item in result["to_ask"]:
            write(f"  {item['field']}: {item['reason_en']}")
