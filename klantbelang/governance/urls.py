from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/signals/", views.signal_list, name="signal_list"),
    path("governance/signals/new/", views.signal_new, name="signal_new"),
    path("governance/signals/collect/", views.collect, name="collect"),
    path("governance/signals/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("governance/reviews/", views.review_list, name="review_list"),
    path("governance/reviews/start/", views.review_start, name="review_start"),
    path("governance/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("governance/reports/", views.report_list, name="report_list"),
    path("governance/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("governance/reports/<int:pk>/report.json", views.report_json, name="report_json"),
    path("governance/reports/<int:pk>/report.csv", views.report_csv, name="report_csv"),
    path("governance/reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
