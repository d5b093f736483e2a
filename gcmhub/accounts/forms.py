from functools import partial

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts import tasks
from gcmhub.accounts.actions import check_grant_role
from gcmhub.accounts.models import Role, User
from gcmhub.lib.concurrency import VersionedFormMixin
from gcmhub.lib.forms import field_of
from gcmhub.lib.i18n import Language, active_language
from gcmhub.lib.widgets import PickerSelect
from gcmhub.taxonomy.models import Country, Organisation


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As you would like it shown with your contributions."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Language.choices,
        help_text=_("The language of the e-mails we send you and of the site after you sign in."),
    )
    consent = forms.BooleanField(
        label=_(
            "I accept the terms of use, and I agree that my name and organisation may be shown with my contributions."
        ),
        error_messages={"required": _("To create an account, accept the terms of use.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = active_language()

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"].strip())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class LoginForm(AuthenticationForm):
    unverified = False  # set when the password is right but the address is not verified yet

    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    error_messages = {
        "invalid_login": _("This e-mail address and password do not match an account. Check both and try again."),
        "inactive": _("This account is inactive."),
        "unverified": _(
            "Your e-mail address is not verified yet. Follow the link we sent you, or ask for a new one below."
        ),
    }

    def clean(self):
        """Raises `throttle.Throttled` (not a validation error) when sign-ins are throttled."""
        try:
            return super().clean()
        except ValidationError:
            # Say "not verified yet" only to whoever knows the password: it reveals nothing to others.
            # The backend marks the request when the password matched an account that cannot sign in.
            user = getattr(self.request, "gcmhub_inactive_user", None)
            if user is not None and not user.email_verified:
                self.unverified = True
                raise ValidationError(self.error_messages["unverified"], code="unverified") from None
            raise


class PasswordResetForm(DjangoPasswordResetForm):
    """Sends the reset link through the task worker, in the user's preferred language."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(tasks.send_password_reset_email.enqueue, user.pk))


class ProfileForm(VersionedFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Language.choices,
        help_text=_("The site switches to this language when you sign in; our e-mails use it too."),
    )


class APITokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=255,
        help_text=_("What the token is for, for example “dashboard script”."),
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.acronym})" if obj.acronym and obj.acronym != obj.name else obj.name


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *Role.Kind.choices, ("none", _("No role"))],
    )


class GrantRoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.Kind.choices])
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Required for a Network member focal point."),
        widget=PickerSelect,
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        help_text=_("Required for a Member State focal point."),
        widget=PickerSelect,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field_of(self, "organisation", forms.ModelChoiceField).queryset = Organisation.objects.order_by(
            "-is_network_member", "name_en"
        )
        field_of(self, "country", forms.ModelChoiceField).queryset = Country.objects.offered(
            [self.initial["country"]] if self.initial.get("country") else None
        ).by_name(active_language())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "kind" in cleaned:
            try:
                check_grant_role(
                    user=self.user,
                    kind=cleaned["kind"],
                    organisation=cleaned.get("organisation"),
                    country=cleaned.get("country"),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class RevokeRoleForm(forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, user: User, revoked_by: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.revoked_by = revoked_by
        field_of(self, "role", forms.ModelChoiceField).queryset = Role.objects.active().filter(user=user)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role")
        # Nobody locks themselves out of the role administration by mistake.
        if role and role.kind == Role.Kind.SECRETARIAT and role.user_id == self.revoked_by.pk:
            raise ValidationError(
                _("You cannot revoke your own Secretariat role; ask another member of the Secretariat.")
            )
        return cleaned
