from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/set/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("language/", views.switch_language, name="switch_language"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/log-out-everywhere/", views.log_out_everywhere, name="log_out_everywhere"),
    path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("people/two-factor/", views.firm_two_factor, name="firm_two_factor"),
    path("people/<int:pk>/log-out-everywhere/", views.user_log_out_everywhere, name="user_log_out_everywhere"),
    path("people/", views.user_list, name="user_list"),
    path("people/new/", views.user_create, name="user_create"),
    path("people/<int:pk>/roles/", views.user_roles, name="user_roles"),
]
