from django.urls import path

from . import views

app_name = "advice"

urlpatterns = [
    path("advice/", views.case_list, name="case_list"),
    path("clients/<int:client_pk>/advice/new/", views.case_create, name="case_create"),
    path("advice/<int:pk>/", views.case_detail, name="case_detail"),
    path("advice/<int:pk>/move/", views.case_move, name="case_move"),
    path("advice/<int:pk>/team/", views.case_team, name="case_team"),
    path("advice/<int:pk>/recommendation/", views.recommendation_save, name="recommendation_save"),
    path("advice/<int:pk>/match/<slug:need_type>/", views.case_match, name="case_match"),
    path("advice/<int:pk>/review/", views.review, name="review"),
    path("advice/<int:pk>/notes/", views.case_note, name="case_note"),
    path("advice/<int:pk>/tasks/", views.case_task, name="case_task"),
    path("advice/<int:pk>/time/", views.case_time, name="case_time"),
    path("advice/reports/<int:pk>/", views.report, name="report"),
    path("advice/reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("advice/reports/<int:pk>/respond/", views.respond, name="respond"),
    path("portal/advice/", views.portal, name="portal"),
]
