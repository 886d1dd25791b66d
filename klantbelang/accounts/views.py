from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from klantbelang.core.access import access
from klantbelang.core.forms import add_service_errors

from . import services, two_factor
from .forms import ApiTokenForm, LoginForm, MemberForm, RolesForm, TokenForm
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
    two_factor_on = two_factor.has_device(request.user)
    form = ApiTokenForm()
    new_token = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_token = services.issue_api_token(user=request.user, name=form.cleaned_data["name"])
            form = ApiTokenForm()
    return TemplateResponse(request, "accounts/account.html",
                            {"tokens": tokens, "form": form, "new_token": new_token, "two_factor_on": two_factor_on,
                             "two_factor_required": two_factor.required_for(request.user)})


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
        User.objects.visible_to(request.user).staff()  # clients' portal access lives on the client's page
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.filter(firm=request.firm)),
            "teams",
            Prefetch("expertise", queryset=Expertise.objects.order_by("domain")),
        )
        .order_by("full_name")
    )
    return TemplateResponse(request, "accounts/user_list.html",
                            {"members": members, "can_manage": can_manage_members(user=request.user),
                             "two_factor_devices": set(TOTPDevice.objects.filter(
                                 user__in=members, confirmed=True).values_list("user", flat=True))})


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


# Two-factor authentication -----------------------------------------------------------------------

def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def two_factor_verify(request):
    """The second step of signing in: the code from the authenticator app."""
    if not two_factor.has_device(request.user):
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right."))
    return TemplateResponse(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


def two_factor_setup(request):
    """Connect an authenticator app: scan the code, confirm with the first six digits."""
    if two_factor.has_device(request.user) and not request.user.is_verified():
        # Replacing the authenticator needs the current one: a password alone must not be enough.
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
    form = TokenForm(request.POST or None)
    device = two_factor.pending_device(request.user)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            confirmed = two_factor.confirm_setup(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)  # this session stays; all others end
            otp_login(request, confirmed)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next(request) if request.POST.get("next") else "accounts:account")
    if device is None:
        device = two_factor.start_setup(user=request.user)
    return TemplateResponse(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": two_factor.qr_data_uri(device), "secret": two_factor.secret(device),
        "required": two_factor.required_for(request.user), "next": request.GET.get("next", "")})


@require_POST
def two_factor_disable(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            two_factor.disable(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(request, _("Enter the six digits your app shows."))
    return redirect("accounts:account")


@require_POST
def firm_two_factor(request):
    """An administrator requires (or stops requiring) two-factor authentication for management."""
    two_factor.set_firm_requirement(firm=request.firm, by=request.user, required=request.POST.get("required") == "on")
    messages.success(request, _("Saved."))
    return redirect("accounts:user_list")
