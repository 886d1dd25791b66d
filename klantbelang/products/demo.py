"""The demo shelves: 2,000 generated products from 47 providers plus three EMT files for Demo
Advies, and a smaller shelf for Ander Kantoor. Imported through the real import service, so a
second run finds every product unchanged."""

from pathlib import Path

from .importing import parse_product_file
from .services import import_products
from .shelf_generator import EMT_DEMO_FILES, generate_shelf

DEMO_FILES = Path(__file__).resolve().parent / "demo_files"


def seed(context: dict) -> None:
    firms = context["firms"]
    demo = firms["demo-advies"]
    summary = import_products(firm=demo, products=generate_shelf(seed=20261126, size=2000), by=None, source="csv")
    created = len(summary.created)
    for filename, provider, _style in EMT_DEMO_FILES:
        path = DEMO_FILES / filename
        result = parse_product_file(path.read_bytes(), filename=filename, provider=provider)
        if result.problems:
            raise RuntimeError(f"demo file {filename}: {result.problems[0]}")
        created += len(import_products(firm=demo, products=result.products, by=None, source="emt").created)
    other = import_products(firm=firms["ander-kantoor"], products=generate_shelf(seed=7, size=300), by=None,
                            source="csv")
    context["stdout"].write(f"Products: {created + len(other.created)} created.")
