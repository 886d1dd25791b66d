"""manage.py match --profile PROFILE.json --products FILE [--format json|table] [--top N]

Reads a client profile (the profile JSON) and a product file in any import format, writes
nothing, and prints the match output JSON ranked eligible first, then by score.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klantbelang.matching.batch import Catalogue, match_one
from klantbelang.matching.profile import ProfileError, parse_profile
from klantbelang.products.importing import FORMATS, parse_product_file


class Command(BaseCommand):
    help = "Match a client profile against a product file without touching the database."

    def add_arguments(self, parser):
        parser.add_argument("--profile", required=True, help="client profile JSON file")
        parser.add_argument("--products", required=True, help="product file (EMT, CSV, XLSX or JSON)")
        parser.add_argument("--products-format", choices=FORMATS, dest="products_format")
        parser.add_argument("--format", choices=["json", "table"], default="json", dest="output")
        parser.add_argument("--top", type=int, default=None)

    def handle(self, *args, profile, products, products_format, output, top, **options):
        try:
            profile_data = json.loads(Path(profile).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{profile}: no such file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{profile}: not a JSON profile ({error})") from None
        try:
            client = parse_profile(profile_data)
        except ProfileError as error:
            raise CommandError(f"{profile}: invalid profile: {error}") from None
        path = Path(products)
        if not path.is_file():
            raise CommandError(f"{products}: no such file")
        result = parse_product_file(path.read_bytes(), filename=path.name, file_format=products_format)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{products}: {len(result.problems)} problem(s) in the product file")
        ranked = match_one(client, Catalogue([item.to_profile() for item in result.products]))
        if top is not None:
            ranked = ranked[:top]
        if output == "json":
            self.stdout.write(json.dumps(ranked, ensure_ascii=False, indent=2))
            return
        axes = list(ranked[0]["axes"]) if ranked else []
        symbol = {"pass": "+", "warn": "?", "fail": "x"}
        self.stdout.write(f"{'code':<16} {'eligible':<8} {'score':>6}  " + " ".join(axis[:4] for axis in axes))
        for entry in ranked:
            cells = " ".join(f"{symbol[entry['axes'][axis]]:<4}" for axis in axes)
            self.stdout.write(f"{entry['code']:<16} {'yes' if entry['eligible'] else 'no':<8} "
                              f"{entry['score']:>6.4f}  {cells}")
