from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from klantbelang.core.access import access
from klantbelang.core.errors import DomainError
from klantbelang.core.pagination import Page

from . import services
from .filters import ProductFilter
from .importing import MAX_BYTES
from .models import SHELF_ROLES, Product, ProductImport

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    code: str
    name: str
    provider: str
    category: str
    description: str
    one_off_cost_pct: float | None
    ongoing_cost_pct: float | None
    sri: int | None
    sfdr_article: int | None
    taxonomy_pct: float | None
    sustainable_pct: float | None
    pai_considered: bool | None
    target_market: dict
    negative_target_market: dict
    loss_level_pct: float | None
    min_horizon_years: float | None
    needs_served: list[str]
    min_entry_age: int | None
    max_entry_age: int | None
    distribution_strategy: str
    review_date: date | None
    status: str
    version: int
    attributes: dict

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name


class ProductQuery(Schema):
    q: str | None = None
    category: str | None = None
    provider: int | None = None
    sri_max: int | None = None
    sfdr_article: int | None = None
    need: str | None = None
    status: str | None = None
    fits_client: int | None = None


class ImportOut(Schema):
    id: int
    filename: str
    file_format: str
    status: str
    summary: dict
    problems: list[str]
    job_id: int | None


def _shelf(user):
    if not user.has_any_role(SHELF_ROLES):
        raise PermissionDenied
    return Product.objects.visible_to(user).select_related("provider")


@router.get("/products", response=list[ProductOut], summary="The firm's product shelf (filterable)")
@paginate(Page)
def list_products(request, filters: Query[ProductQuery]):
    data = {name: value for name, value in filters.dict().items() if value is not None}
    product_filter = ProductFilter(data=data, queryset=_shelf(request.auth), user=request.auth)
    if not product_filter.is_valid():
        raise ValidationError(product_filter.errors)
    return product_filter.qs.order_by("name", "code")


@router.get("/products/{int:product_id}", response=ProductOut, summary="One product with its target market")
def get_product(request, product_id: int):
    return access(Product, user=request.auth, pk=product_id, queryset=_shelf(request.auth))


@router.post("/products/imports", response={201: ImportOut}, summary="Upload a product file to check it")
def upload_import(request, file: File[UploadedFile], file_format: Form[str] = "", provider: Form[str] = "",
                  category: Form[str] = "investment_fund"):
    if file.size > MAX_BYTES:
        raise DomainError(_("The file is larger than 20 MB."), code="too_large")
    staged = services.stage_import(firm=request.auth.firm, by=request.auth, filename=file.name or "products",
                                   content=file.read(), file_format=file_format or None, provider=provider.strip(),
                                   category=category)
    return 201, _import_out(staged)


@router.get("/products/imports/{import_id}", response=ImportOut, summary="A checked product file")
def get_import(request, import_id: int):
    return _import_out(access(ProductImport, user=request.auth, pk=import_id))


@router.post("/products/imports/{import_id}/confirm", response={202: ImportOut},
             summary="Import a checked file (runs as a background job)")
def confirm_import(request, import_id: int):
    staged = access(ProductImport, user=request.auth, pk=import_id)
    services.confirm_import(staged=staged, by=request.auth)
    staged.refresh_from_db()
    return 202, _import_out(staged)


def _import_out(staged: ProductImport) -> dict:
    return {"id": staged.pk, "filename": staged.filename, "file_format": staged.file_format,
            "status": staged.status, "summary": staged.summary, "problems": staged.problems,
            "job_id": staged.job_id}
