from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import APIToken

from gcmhub.accounts import actions, forms
from gcmhub.accounts.models import Role, User
from gcmhub.accounts.permissions import can_assign_roles, is_secretariat
from gcmhub.accounts.tasks import read_verification_token
from gcmhub.lib import throttle
from gcmhub.lib.concurrency import StaleObject, refuse_stale
from gcmhub.lib.params import paginate

USERS_PER_PAGE = 25


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _url_in(language: str, viewname: str, *args) -> str:
    with translation.override(language):
        return reverse(viewname, args=args)


# Sign-up and e-mail verification


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignupForm(request.POST if request.method == "POST" else None)
    if _throttle_post(request, "signup", form):
        return render(request, "accounts/signup.html", {"form": form}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        actions.do_sign_up(
            email=data["email"],
            password=data["password1"],
            full_name=data["full_name"],
            preferred_language=data["preferred_language"],
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.is_bound else 200)


@require_GET
def signup_done(request):
    return render(request, "accounts/signup_done.html")


@require_GET
def verify_email(request, token):
    try:
        payload = read_verification_token(token)
    except signing.SignatureExpired:
        return _verify_email_failed(request, expired=True)
    except signing.BadSignature:
        return _verify_email_failed(request, expired=False)
    user = User.objects.filter(pk=payload.get("u"), email__iexact=payload.get("e", "")).first()
    if user is None:
        return _verify_email_failed(request, expired=False)
    if user.email_verified:
        messages.info(request, _("Your e-mail address is already verified. You can sign in."))
    else:
        actions.do_verify_email(user=user)
        messages.success(request, _("Thank you: your e-mail address is verified. You can now sign in."))
    return redirect("accounts:login")


def _verify_email_failed(request, *, expired: bool):
    context = {"expired": expired, "form": forms.ResendVerificationForm()}
    return render(request, "accounts/verify_email_failed.html", context, status=400)


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = forms.ResendVerificationForm(request.POST if request.method == "POST" else None)
    if _throttle_post(request, "resend_verification", form):
        return render(request, "accounts/resend_verification.html", {"form": form}, status=429)
    if form.is_valid():
        actions.do_request_verification_email(email=form.cleaned_data["email"])
        return redirect("accounts:signup_done")
    return render(request, "accounts/resend_verification.html", {"form": form}, status=400 if form.is_bound else 200)


# Signing in and out, passwords


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    """After signing in, go to `next` if safe, else to the personal page (settings.LOGIN_REDIRECT_URL)
    in the user's preferred language."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = forms.LoginForm(request, data=request.POST if request.method == "POST" else None)
    try:
        valid = form.is_valid()
    except throttle.Throttled as exc:
        form.add_error(None, exc.message())
        response = render(request, "accounts/login.html", {"form": form, "next": next_url}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if valid:
        user = form.get_user()
        auth_login(request, user)
        response = redirect(next_url or _url_in(user.preferred_language, settings.LOGIN_REDIRECT_URL))
        _set_language_cookie(response, user.preferred_language)
        return response
    context = {"form": form, "next": next_url}
    return render(request, "accounts/login.html", context, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def logout(request):
    """GET asks for confirmation (a link or a bookmark must not sign anyone out); POST signs out."""
    if request.method == "POST":
        auth_logout(request)
        messages.info(request, _("You have signed out."))
        return redirect("home")
    return render(request, "accounts/logout.html")


def _throttle_post(request, scope: str, form) -> bool:
    """On a POST, count it against `scope` (by the e-mail typed and by address); when throttled,
    put the message on `form` (whose input is kept) and return True."""
    if request.method != "POST":
        return False
    try:
        throttle.hit_and_check(scope, request, request.POST.get("email"))
    except throttle.Throttled as exc:
        form.is_valid()  # bind the input so the page shows what was typed
        form.errors.clear()
        form.add_error(None, exc.message())
        return True
    return False


_password_reset = auth_views.PasswordResetView.as_view(
    form_class=forms.PasswordResetForm,
    template_name="accounts/password_reset_form.html",
    success_url=reverse_lazy("accounts:password_reset_done"),
)


def password_reset(request, *args, **kwargs):
    form = forms.PasswordResetForm(request.POST if request.method == "POST" else None)
    if _throttle_post(request, "password_reset", form):
        return render(request, "accounts/password_reset_form.html", {"form": form}, status=429)
    return _password_reset(request, *args, **kwargs)


password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # Saving the new password revokes the user's API tokens (User.save): say so.
        active = APIToken.objects.filter(user=form.user, revoked_at__isnull=True).count()
        response = super().form_valid(form)
        if active:
            messages.warning(self.request, actions.tokens_revoked_message(active))
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# Profile and API tokens


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {"full_name": user.full_name, "preferred_language": user.preferred_language}
    form = forms.ProfileForm(request.POST if request.method == "POST" else None, initial=initial, current=user)
    status = 400 if form.is_bound else 200
    if form.is_valid():
        try:
            actions.do_update_profile(
                user=user,
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
                expected_version=form.expected_version,
            )
        except StaleObject as stale:
            refuse_stale(form, stale)
            status = 409
    if form.is_valid():
        language = form.cleaned_data["preferred_language"]
        with translation.override(language):
            messages.success(request, _("Your profile is saved."))
        response = redirect(_url_in(language, "accounts:profile"))
        _set_language_cookie(response, language)
        return response
    roles = Role.objects.active().filter(user=user).select_related("organisation", "country").order_by("kind")
    context = {"form": form, "roles": roles, "can_assign_roles": can_assign_roles(user)}
    if form.conflict is not None:
        status = 409
    return render(request, "accounts/profile.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Create (the plaintext is shown in this response only) and revoke the user's API tokens."""
    form = forms.APITokenForm()
    created = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            token = get_object_or_404(
                APIToken, pk=_int_or_404(request.POST.get("token")), user=request.user, revoked_at__isnull=True
            )
            actions.do_revoke_api_token(token=token)
            messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
            return redirect("accounts:api_tokens")
        if action != "create":
            return HttpResponseBadRequest()
        form = forms.APITokenForm(request.POST)
        if form.is_valid():
            created = actions.do_create_api_token(user=request.user, name=form.cleaned_data["name"])
            form = forms.APITokenForm()
    tokens = APIToken.objects.filter(user=request.user).order_by(F("revoked_at").asc(nulls_first=True), "-created")
    context = {"form": form, "tokens": tokens, "created": created}
    return render(request, "accounts/api_tokens.html", context, status=400 if form.is_bound else 200)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# Roles (Secretariat)


def _check_can_assign_roles(user) -> None:
    if not can_assign_roles(user):
        raise PermissionDenied


@login_required
@require_GET
def role_list(request):
    _check_can_assign_roles(request.user)
    filters = forms.UserFilterForm(request.GET)
    users = User.objects.order_by("full_name", "email").prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.active().select_related("organisation", "country").order_by("kind"),
            to_attr="active_roles",
        )
    )
    if filters.is_valid():
        q, role = filters.cleaned_data["q"].strip(), filters.cleaned_data["role"]
        if q:
            users = users.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
        if role == "none":
            users = users.exclude(Exists(Role.objects.active().filter(user=OuterRef("pk"))))
        elif role:
            users = users.filter(Exists(Role.objects.active().filter(user=OuterRef("pk"), kind=role)))
    page = paginate(users, USERS_PER_PAGE, request.GET.get("page"))
    return render(request, "accounts/role_list.html", {"filters": filters, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def user_roles(request, user_id):
    _check_can_assign_roles(request.user)
    person = get_object_or_404(User, pk=user_id)
    grant_form = forms.GrantRoleForm(user=person)
    revoke_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "grant":
            grant_form = forms.GrantRoleForm(request.POST, user=person)
            if grant_form.is_valid():
                data = grant_form.cleaned_data
                role = actions.do_grant_role(
                    user=person,
                    kind=data["kind"],
                    granted_by=request.user,
                    organisation=data["organisation"],
                    country=data["country"],
                )
                messages.success(request, _("Granted: %(role)s.") % {"role": role})
                return redirect("accounts:user_roles", user_id=person.pk)
        elif action == "revoke":
            revoke_form = forms.RevokeRoleForm(request.POST, user=person, revoked_by=request.user)
            if revoke_form.is_valid():
                role = revoke_form.cleaned_data["role"]
                actions.do_revoke_role(role=role, revoked_by=request.user)
                messages.success(request, _("Revoked: %(role)s.") % {"role": role})
                return redirect("accounts:user_roles", user_id=person.pk)
            if "role" in revoke_form.errors:  # not one of this person's active roles
                raise Http404
        else:
            return HttpResponseBadRequest()
    roles = list(
        Role.objects.filter(user=person)
        .select_related("organisation", "country", "granted_by", "revoked_by")
        .order_by("-granted_at")
    )
    context = {
        "person": person,
        "active_roles": [r for r in roles if r.revoked_at is None],
        "revoked_roles": [r for r in roles if r.revoked_at is not None],
        "grant_form": grant_form,
        "revoke_form": revoke_form,
        "person_is_secretariat": is_secretariat(person),
    }
    return render(request, "accounts/user_roles.html", context, status=400 if request.method == "POST" else 200)
