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
