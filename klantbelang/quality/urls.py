from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("quality/", views.dashboard, name="dashboard"),
    path("quality/files/", views.files, name="files"),
    path("quality/goals/", views.goals, name="goals"),
    path("quality/refresh/", views.refresh, name="refresh"),
    path("quality/export.csv", views.export_csv, name="export_csv"),
    path("quality/export.pdf", views.export_pdf, name="export_pdf"),
    path("quality/module/", views.module_detail, name="module"),
    path("quality/check/<int:case_pk>/", views.file_check, name="file_check"),
]
