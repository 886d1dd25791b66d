from django.urls import path

from . import views

app_name = "relationships"

urlpatterns = [
    path("clients/<int:pk>/relationship/", views.client_relationship, name="client_relationship"),
    path("agreements/<int:pk>/", views.agreement_document, name="agreement_document"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("agreements/<int:pk>/confirm/", views.agreement_confirm, name="agreement_confirm"),
    path("worklist/", views.worklist, name="worklist"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("portal/agreement/", views.portal, name="portal"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("worklist/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("settings/terms/", views.firm_terms, name="firm_terms"),
]
