from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/imports/", views.import_list, name="import_list"),
    path("products/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("products/imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("products/imports/template.csv", views.import_template, name="import_template"),
]
