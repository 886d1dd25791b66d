import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.errors import DomainError

from . import services
from .filters import ProductFilter
from .forms import ProductUploadForm
from .importing import COLUMNS
from .models import SHELF_ROLES, Product, ProductImport
from .permissions import can_manage_shelf
from .plain_language import describe_target_market

PAGE_SIZE = 50


def product_list(request):
    if not request.user.has_any_role(SHELF_ROLES):
        raise PermissionDenied
    products = Product.objects.visible_to(request.user)
    product_filter = ProductFilter(request.GET or None, queryset=products.select_related("provider"),
                                   user=request.user)
    page = Paginator(product_filter.qs.order_by("name", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "products/product_list.html#results" if request.htmx else "products/product_list.html"
    return TemplateResponse(request, template, {
        "filter": product_filter, "page": page, "can_manage": can_manage_shelf(user=request.user),
        "shelf_size": products.count(),
    })


def product_detail(request, pk):
    product = access(Product, user=request.user, pk=pk, queryset=Product.objects.select_related("provider"))
    return TemplateResponse(request, "products/product_detail.html", {
        "product": product,
        "target_market": describe_target_market(product),
        "versions": product.versions.select_related("changed_by")[:20],
    })


def import_list(request):
    if not can_manage_shelf(user=request.user):
        raise PermissionDenied
    form = ProductUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = services.stage_import(
            firm=request.firm, by=request.user, filename=upload.name, content=upload.read(),
            file_format=form.cleaned_data["file_format"] or None, provider=form.cleaned_data["provider"].strip(),
            category=form.cleaned_data["category"],
        )
        return redirect("products:import_detail", pk=staged.pk)
    imports = ProductImport.objects.visible_to(request.user).select_related("uploaded_by")[:20]
    return TemplateResponse(request, "products/import_list.html", {"form": form, "imports": imports})


def import_detail(request, pk):
    staged = access(ProductImport, user=request.user, pk=pk)
    if not can_manage_shelf(user=request.user):
        raise PermissionDenied
    return TemplateResponse(request, "products/import_detail.html", {"staged": staged})


@require_POST
def import_confirm(request, pk):
    staged = access(ProductImport, user=request.user, pk=pk)
    try:
        job = services.confirm_import(staged=staged, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("products:import_detail", pk=staged.pk)
    return redirect("core:job_detail", pk=job.pk)


def import_template(request):
    """The klantbelang product layout as an empty CSV with one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    example = {
        "code": "NL0012345678", "name": "Voorbeeld Duurzaam Mixfonds", "provider": "Voorbeeld Asset Management",
        "provider_type": "asset_manager", "category": "investment_fund", "description": "Mixfonds, 50% aandelen",
        "one_off_cost_pct": "0", "ongoing_cost_pct": "0.45", "sri": "3", "sfdr_article": "8",
        "taxonomy_pct": "12", "sustainable_pct": "35", "pai_considered": "Y", "retail": "Y", "professional": "Y",
        "basic": "Y", "informed": "Y", "advanced": "Y", "loss_none": "N", "loss_limited": "Y",
        "loss_limit_pct": "20", "loss_no_guarantee": "Y", "loss_beyond_capital": "Neutral", "preservation": "N",
        "growth": "Y", "income": "Neutral", "hedging": "N", "leveraged": "N", "min_horizon_years": "5",
        "execution_only": "N", "non_advised": "Neutral", "advice": "Y", "portfolio_management": "Y",
        "needs_served": "wealth_building;goal_funding", "min_entry_age": "", "max_entry_age": "",
        "distribution_strategy": "Alleen met advies of vermogensbeheer", "review_date": "2027-06-30",
        "status": "active",
    }
    writer.writerow([example.get(column, "") for column in COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="klantbelang-products-template.csv"'
    return response
