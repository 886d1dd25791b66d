from django.urls import path

from . import dialogue_views, provider_views, views

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
    path("governance/developers/", views.developers, name="developers"),
    # The manufacturer's side, for product developers.
    path("manufacturer/", provider_views.home, name="provider_home"),
    path("manufacturer/signals/<int:pk>/", provider_views.signal_detail, name="provider_signal"),
    path("manufacturer/reports/<int:pk>/", provider_views.report_detail, name="provider_report"),
    path("manufacturer/reports/<int:pk>/report.json", provider_views.report_json, name="provider_report_json"),
    path("manufacturer/reports/<int:pk>/report.csv", provider_views.report_csv, name="provider_report_csv"),
    path("manufacturer/reports/<int:pk>/report.pdf", provider_views.report_pdf, name="provider_report_pdf"),
    # The dialogue space.
    path("dialogue/", dialogue_views.topic_list, name="topic_list"),
    path("dialogue/new/", dialogue_views.topic_new, name="topic_new"),
    path("dialogue/<int:pk>/", dialogue_views.topic_detail, name="topic_detail"),
    path("dialogue/<int:pk>/join/", dialogue_views.topic_join, name="topic_join"),
    path("dialogue/<int:pk>/advance/", dialogue_views.topic_advance, name="topic_advance"),
    path("dialogue/contributions/<int:pk>/hide/", dialogue_views.contribution_hide, name="contribution_hide"),
    path("dialogue/notifications/", dialogue_views.notifications, name="notifications"),
    path("portal/dialogue/", dialogue_views.portal, name="portal"),
]
