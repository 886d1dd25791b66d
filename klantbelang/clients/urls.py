from django.urls import path

from . import privacy_views, views

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/replan/", views.replan, name="replan"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/inventory/<slug:section>/", views.section_edit, name="section_edit"),
    path("clients/<int:pk>/persons/new/", views.person_edit, name="person_add"),
    path("clients/<int:pk>/persons/<int:person_pk>/", views.person_edit, name="person_edit"),
    path("clients/<int:pk>/persons/<int:person_pk>/confirm-email/", views.person_email_confirm,
         name="person_email_confirm"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("clients/<int:pk>/versions/", views.compare_versions, name="compare_versions"),
    path("clients/<int:pk>/needs/<int:index>/match/", views.need_match, name="need_match"),
    path("clients/<int:pk>/analysis/", views.analysis, name="analysis"),
    path("clients/<int:pk>/invite/", views.invite, name="invite"),
    path("clients/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("portal/", views.portal, name="portal"),
    path("portal/privacy/", privacy_views.portal_privacy, name="portal_privacy"),
    path("clients/<int:pk>/privacy/", privacy_views.privacy_page, name="privacy"),
    path("clients/<int:pk>/privacy/export.json", privacy_views.export_json, name="privacy_export_json"),
    path("clients/<int:pk>/privacy/export.pdf", privacy_views.export_pdf, name="privacy_export_pdf"),
    path("clients/<int:pk>/privacy/consent/", privacy_views.record_consent, name="privacy_consent"),
    path("clients/<int:pk>/privacy/erase/", privacy_views.erase, name="privacy_erase"),
]
