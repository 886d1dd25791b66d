"""Writing the product shelf: all-or-nothing imports that keep a version per change."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.core.audit import record_audit, record_audits
from klantbelang.core.errors import DomainError
from klantbelang.core.jobs import start_job
from klantbelang.core.models import Firm

from .importing import FORMATS, ImportProblem, ParsedProduct, parse_product_file
from .models import Category, Product, ProductImport, ProductVersion, Provider
from .permissions import can_manage_shelf

PRODUCT_FIELDS = (
    "name", "category", "description", "one_off_cost_pct", "ongoing_cost_pct", "sri", "sfdr_article",
    "taxonomy_pct", "sustainable_pct", "pai_considered", "target_market", "loss_level_pct", "min_horizon_years",
    "needs_served", "min_entry_age", "max_entry_age", "distribution_strategy", "review_date", "status",
    "attributes",
)


PREVIEW_ROWS = 20


class ImportRejected(DomainError):
    code = "import_rejected"
    status = 422

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__(_("The file was not imported: %(count)s problem(s).") % {"count": len(problems)})


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged)}


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _values(item) -> dict:
    return {name: getattr(item, name) for name in PRODUCT_FIELDS}


def _snapshot(product: Product) -> dict:
    return {"code": product.code, "provider": product.provider.name,
            **{name: _json(getattr(product, name)) for name in PRODUCT_FIELDS}}


def _storable(value):
    """The file's own text as the staged check shows it: a NUL character (which PostgreSQL cannot
    store in text or JSON) becomes the visible symbol ␀."""
    if isinstance(value, str):
        return value.replace("\x00", "\u2400")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def _text_limits() -> dict[str, tuple[str, int | None]]:
    """Parsed text field → (column it came from, the most characters the database holds)."""
    limits = {name: (name, Product._meta.get_field(name).max_length)
              for name in ("code", "name", "description", "distribution_strategy")}
    limits["provider_name"] = ("provider", Provider._meta.get_field("name").max_length)
    return limits


def _check(products: list[ParsedProduct]) -> list[ImportProblem]:
    """What the readers let through but the shelf cannot hold: a row-level problem each, so the
    whole file is refused before anything is written (a NUL character cannot be stored by
    PostgreSQL, an over-long text would fail half-way through the import)."""
    problems = [ImportProblem(item.row, "provider", "the provider is missing (for an EMT file, name it)")
                for item in products if not item.provider_name]
    limits = _text_limits()
    for item in products:
        for name, (column, limit) in limits.items():
            value = getattr(item, name) or ""
            if "\x00" in value:
                problems.append(ImportProblem(item.row, column, "contains a NUL character"))
            elif limit is not None and len(value) > limit:
                problems.append(ImportProblem(item.row, column, f"is longer than {limit} characters ({len(value)})"))
        for key, value in item.attributes.items():
            if "\x00" in key or "\x00" in str(value):
                problems.append(ImportProblem(item.row, key.replace("\x00", "")[:40], "contains a NUL character"))
    return problems


# Codes per query: SQLite allows 32,766 variables in one statement, PostgreSQL 65,535.
CODES_PER_QUERY = 5000


def _existing(firm: Firm, codes: list[str], *, lock: bool = False) -> dict[str, Product]:
    """The firm's products with these codes, read in chunks (a whole file's codes in one IN list
    would be more variables than the database takes)."""
    found = {}
    for start in range(0, len(codes), CODES_PER_QUERY):
        products = Product.objects.filter(firm=firm, code__in=codes[start:start + CODES_PER_QUERY])
        if lock:
            products = products.select_for_update()
        found.update({product.code: product for product in products.select_related("provider")})
    return found


def plan_import(*, firm: Firm, products: list[ParsedProduct]) -> ImportSummary:
    """What an import would do: which codes are new, changed or unchanged. Writes nothing."""
    existing = _existing(firm, [item.code for item in products])
    summary = ImportSummary()
    for item in products:
        current = existing.get(item.code)
        if current is None:
            summary.created.append(item.code)
        elif _values(current) != _values(item) or current.provider.name != item.provider_name:
            summary.updated.append(item.code)
        else:
            summary.unchanged.append(item.code)
    return summary


@transaction.atomic
def import_products(*, firm: Firm, products: list[ParsedProduct], by, source: str, progress=None) -> ImportSummary:
    """Create or update ``products`` on the firm's shelf by code, all or nothing.

    Every created or changed product gets a ProductVersion and an audit event; unchanged ones are
    left alone. ``by`` None is a system import (command line, demo data). Raises ImportRejected
    (nothing written) when a product lacks what the shelf needs, PermissionDenied when ``by``
    may not curate the shelf.
    """
    if by is not None and not (can_manage_shelf(user=by) and by.firm == firm):
        raise PermissionDenied
    problems = _check(products)
    if problems:
        raise ImportRejected(problems)
    providers = {provider.name: provider for provider in Provider.objects.filter(firm=firm)}
    for item in products:
        if item.provider_name not in providers:
            providers[item.provider_name] = Provider.objects.create(firm=firm, name=item.provider_name,
                                                                    kind=item.provider_type)
    existing = _existing(firm, [item.code for item in products], lock=True)
    now = timezone.now()
    summary = ImportSummary()
    new, changed, audit = [], [], []
    for index, item in enumerate(products, start=1):
        current = existing.get(item.code)
        values = _values(item)
        provider = providers[item.provider_name]
        if current is None:
            new.append(Product(firm=firm, provider=provider, code=item.code, source=source, created_at=now,
                               updated_at=now, **values))
            summary.created.append(item.code)
        else:
            before = {**_values(current), "provider": current.provider.name}
            after = {**values, "provider": provider.name}
            differences = sorted(name for name in after if before[name] != after[name])
            if not differences:
                summary.unchanged.append(item.code)
            else:
                for name, value in values.items():
                    setattr(current, name, value)
                current.provider = provider
                current.version += 1
                current.source = source
                current.updated_at = now
                changed.append((current, differences, before, after))
                summary.updated.append(item.code)
        if progress and index % 250 == 0:
            progress(index, len(products))
    Product.objects.bulk_create(new, batch_size=500)
    if changed:
        Product.objects.bulk_update([product for product, *_rest in changed],
                                    [*PRODUCT_FIELDS, "provider", "version", "source", "updated_at"], batch_size=500)
    versions = [ProductVersion(product=product, version=1, data=_snapshot(product), changed_fields=[],
                               source=source, changed_by=by, created_at=now) for product in new]
    versions += [ProductVersion(product=product, version=product.version, data=_snapshot(product),
                                changed_fields=differences, source=source, changed_by=by, created_at=now)
                 for product, differences, _before, _after in changed]
    ProductVersion.objects.bulk_create(versions, batch_size=500)
    audit += [("product.created", product, {}) for product in new]
    audit += [("product.updated", product,
               {name: {"before": _json(before[name]), "after": _json(after[name])} for name in differences})
              for product, differences, before, after in changed]
    record_audits(actor=by, firm=firm, entries=audit)
    if progress:
        progress(len(products), len(products))
    return summary


@transaction.atomic
def stage_import(*, firm: Firm, by, filename: str, content: bytes, file_format: str | None = None,
                 provider: str = "", category: str = "investment_fund") -> ProductImport:
    """Check an uploaded file and keep it for a person to confirm; writes no product."""
    if not (can_manage_shelf(user=by) and by.firm == firm):
        raise PermissionDenied
    errors = {}
    if file_format and file_format not in FORMATS:
        errors["file_format"] = _("Choose one of the formats: %(formats)s.") % {"formats": ", ".join(FORMATS)}
    if len(provider) > 200:
        errors["provider"] = _("The provider's name is longer than 200 characters.")
    if category not in Category.values:
        errors["category"] = _("Choose one of the product categories.")
    if errors:
        raise ValidationError(errors)
    result = parse_product_file(content, filename=filename, file_format=file_format, provider=provider,
                                category=category)
    problems = result.problems or _check(result.products)
    summary = plan_import(firm=firm, products=result.products).as_dict() if not problems else {}
    summary["rows"] = len(result.products)
    summary["preview"] = [{"code": item.code, "name": item.name, "provider": item.provider_name,
                           "category": item.category, "sri": item.sri} for item in result.products[:PREVIEW_ROWS]]
    staged = ProductImport(firm=firm, uploaded_by=by, filename=_storable(filename[:255]), file_format=result.format,
                           provider_name=provider, category=category, summary=_storable(summary),
                           problems=[_storable(str(problem)) for problem in problems[:500]],
                           status=ProductImport.Status.INVALID if problems or not result.products
                           else ProductImport.Status.READY)
    staged.file.save(filename[-100:] or "products", ContentFile(content), save=False)
    staged.save()
    record_audit(actor=by, action="product_import.uploaded", obj=staged,
                 changes={"status": {"before": None, "after": staged.status}})
    return staged


@transaction.atomic
def confirm_import(*, staged: ProductImport, by):
    """Start writing a checked file as a background job (progress on the job page)."""
    from .tasks import apply_product_import

    if not (can_manage_shelf(user=by) and by.firm == staged.firm):
        raise PermissionDenied
    staged = ProductImport.objects.select_for_update().get(pk=staged.pk)
    if staged.status != ProductImport.Status.READY:
        raise DomainError(_("This file cannot be imported (again)."), code="import_not_ready")
    job = start_job(firm=staged.firm, by=by, kind="product_import",
                    title=_("Product import: %(file)s") % {"file": staged.filename},
                    task=apply_product_import, import_id=staged.pk)
    staged.status = ProductImport.Status.APPLYING
    staged.job = job
    staged.save(update_fields=["status", "job"])
    return job
