from klantbelang.core.tests.matrix import VALIDATED_FIRST
from klantbelang.products.tests.factories import ProductFactory, ProductImportFactory

URL_OBJECTS = {
    "products:product_detail": lambda firm, user: (product := ProductFactory(firm=firm), {"pk": product.pk}),
    "products:import_detail": lambda firm, user: (
        staged := ProductImportFactory(firm=firm, uploaded_by=user), {"pk": staged.pk}),
    "products:import_confirm": lambda firm, user: (
        staged := ProductImportFactory(firm=firm, uploaded_by=user), {"pk": staged.pk}),
}

API_OBJECTS = {
    ("GET", "/api/v1/products/{product_id}"): lambda firm, user: (
        product := ProductFactory(firm=firm), {"product_id": product.pk}),
    ("GET", "/api/v1/products/imports/{import_id}"): lambda firm, user: (
        staged := ProductImportFactory(firm=firm, uploaded_by=user), {"import_id": staged.pk}),
    ("POST", "/api/v1/products/imports/{import_id}/confirm"): lambda firm, user: (
        staged := ProductImportFactory(firm=firm, uploaded_by=user), {"import_id": staged.pk}),
}


# Who may use each endpoint inside the firm (core/tests/test_authorization_matrix.py): the roles that
# get through on an object someone else in the firm owns; every other role gets 403 or 404.
ACCESS = {
    "products:import_confirm": "admin manager",
    "products:import_detail": "admin manager",
    "products:import_list": "admin manager",
    "products:import_template": "admin adviser client manager marketing product_developer reviewer",
    "products:product_detail": "admin adviser manager marketing reviewer",
    "products:product_list": "admin adviser manager marketing reviewer",
    ("GET", "/api/v1/products"): "admin adviser manager marketing reviewer",
    ("GET", "/api/v1/products/imports/{import_id}"): "admin adviser manager marketing reviewer",
    ("GET", "/api/v1/products/{product_id}"): "admin adviser manager marketing reviewer",
    ("POST", "/api/v1/products/imports"): VALIDATED_FIRST,
    ("POST", "/api/v1/products/imports/{import_id}/confirm"): "admin manager",
}
