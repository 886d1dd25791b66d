from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from klantbelang.core.access import access

from . import services
from .forms import ApiTokenForm, LoginForm, MemberForm, RolesForm
from .models import ApiToken, Expertise, Membership, User
from .permissions import can_manage_members, can_view_members


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. You can sign in now."))
        return super().form_valid(form)


@login_not_required
@require_POST
def switch_language(request):
    """Django's set_language, plus remembering the choice for a signed-in person."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def account(request):
    tokens = ApiToken.objects.visible_to(request.user)
    form = ApiTokenForm()
    new_token = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_token = services.issue_api_token(user=request.user, name=form.cleaned_data["name"])
            form = ApiTokenForm()
    return TemplateResponse(request, "accounts/account.html",
                            {"tokens": tokens, "form": form, "new_token": new_token})


@require_POST
def log_out_everywhere(request):
    """End this person's sessions on every device and revoke their tokens; they sign in again."""
    services.log_out_everywhere(user=request.user, by=request.user)
    logout(request)
    messages.success(request, _("You are signed out on every device, and your API tokens are revoked."))
    return redirect("accounts:login")


@require_POST
def user_log_out_everywhere(request, pk):
    """An administrator ends a member's sessions and tokens (a lost or stolen device)."""
    if not can_manage_members(user=request.user):
        raise PermissionDenied
    member = access(User, user=request.user, pk=pk)
    services.log_out_everywhere(user=member, by=request.user)
    messages.success(request, _("%(name)s is signed out on every device.") % {"name": member.full_name})
    return redirect("accounts:user_list")


@require_POST
def revoke_token(request, pk):
    token = access(ApiToken, user=request.user, pk=pk)
    services.revoke_api_token(token=token, by=request.user)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:account")


def user_list(request):
    if not can_view_members(user=request.user):
        raise PermissionDenied
    members = (
        User.objects.visible_to(request.user)
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.filter(firm=request.firm)),
            "teams",
            Prefetch("expertise", queryset=Expertise.objects.order_by("domain")),
        )
        .order_by("full_name")
    )
    return TemplateResponse(request, "accounts/user_list.html",
                            {"members": members, "can_manage": can_manage_members(user=request.user)})


def user_create(request):
    if not can_manage_members(user=request.user):
        raise PermissionDenied
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(firm=request.firm, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            services.send_set_password_link(user=member, base_url=request.build_absolute_uri("/"))
            messages.success(request, _("%(name)s has been added and received an e-mail to set a password.")
                             % {"name": member.full_name})
            return redirect("accounts:user_list")
    return TemplateResponse(request, "accounts/user_form.html", {"form": form})


def user_roles(request, pk):
    member = access(User, user=request.user, pk=pk)
    if not can_manage_members(user=request.user):
        raise PermissionDenied
    form = RolesForm(request.POST or None, initial={"roles": sorted(member.roles)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_member_roles(user=member, roles=form.cleaned_data["roles"], by=request.user)
        except ValidationError as error:
            form.add_error("roles", error.message_dict.get("roles", error.messages))
        else:
            messages.success(request, _("The roles of %(name)s have been saved.") % {"name": member.full_name})
            return redirect("accounts:user_list")
    return TemplateResponse(request, "accounts/user_roles.html", {"form": form, "member": member})
