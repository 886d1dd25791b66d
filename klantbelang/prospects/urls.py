from django.urls import path

from . import views

app_name = "prospects"

urlpatterns = [
    path("prospects/", views.board, name="board"),
    path("prospects/list/", views.prospect_list, name="list"),
    path("prospects/new/", views.prospect_create, name="create"),
    path("prospects/<int:pk>/", views.detail, name="detail"),
    path("prospects/<int:pk>/edit/", views.prospect_edit, name="edit"),
    path("prospects/<int:pk>/move/", views.move, name="move"),
    path("prospects/<int:pk>/relationship-check/", views.relationship_check, name="relationship_check"),
    path("prospects/<int:pk>/time/", views.log_time, name="log_time"),
    path("prospects/<int:pk>/assign/", views.assign, name="assign"),
    path("prospects/<int:pk>/score/", views.override, name="override"),
    path("prospects/<int:pk>/fit-exception/", views.fit_exception, name="fit_exception"),
    path("prospects/<int:pk>/ended/", views.record_end, name="record_end"),
    path("prospects/sources/", views.sources, name="sources"),
    path("prospects/sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("prospects/campaigns/<int:pk>/", views.campaign_edit, name="campaign_edit"),
    path("prospects/settings/", views.pipeline_settings, name="settings"),
    path("prospects/report/", views.report, name="report"),
    path("prospects/report.csv", views.report_csv, name="report_csv"),
    path("prospects/score-model/", views.model_card, name="model"),
    path("prospects/score-model/train/", views.train, name="train"),
    path("prospects/score-model/rescore/", views.rescore_view, name="rescore"),
]
