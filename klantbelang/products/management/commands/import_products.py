"""manage.py import_products FILE [--format emt|csv|xlsx|json] [--dry-run] --firm SLUG [--provider NAME]

All or nothing: any invalid row rejects the whole file, prints every problem as
``row N, field F: …`` and exits non-zero; nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klantbelang.core.models import Firm
from klantbelang.products.importing import FORMATS, parse_product_file
from klantbelang.products.models import Category
from klantbelang.products.services import ImportRejected, import_products, plan_import


class Command(BaseCommand):
    help = "Import products (FinDatEx EMT or the klantbelang layout) onto a firm's shelf."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, dest="file_format",
                            help="default: recognised from the file")
        parser.add_argument("--firm", required=True, help="the firm's short name (slug)")
        parser.add_argument("--provider", default="", help="the manufacturer of an EMT file")
        parser.add_argument("--category", default=Category.INVESTMENT_FUND, choices=Category.values,
                            help="category for the products of an EMT file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file, file_format, firm, provider, category, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        firm_object = Firm.objects.filter(slug=firm).first()
        if firm_object is None:
            raise CommandError(f"no firm with short name '{firm}'")
        result = parse_product_file(path.read_bytes(), filename=path.name, file_format=file_format,
                                    provider=provider, category=category)
        if result.problems:
            self._reject(result.problems)
        if dry_run:
            summary = plan_import(firm=firm_object, products=result.products)
        else:
            try:
                summary = import_products(firm=firm_object, products=result.products, by=None, source=result.format)
            except ImportRejected as error:
                self._reject(error.problems)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{len(result.products)} products read ({result.format}): {len(summary.created)} {verb} created, "
            f"{len(summary.updated)} {verb} updated, {len(summary.unchanged)} unchanged."
        )

    def _reject(self, problems):
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(f"nothing imported: {len(problems)} problem(s) in the file")
