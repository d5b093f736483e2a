"""Users, their roles and affiliations. Personal API tokens are Wagtail's `APIToken`."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts import signals
from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.i18n import Language


class GcmUserManager(UserManager["User"]):
    # Sign-in is by e-mail (USERNAME_FIELD), so the e-mail comes first, where Django has the username.
    def create_user(self, email, password=None, **extra):  # type: ignore[override]
        extra.setdefault("username", email)
        return super().create_user(extra.pop("username"), email=email, password=password, **extra)

    def create_superuser(self, email, password=None, **extra):  # type: ignore[override]
        extra.setdefault("username", email)
        return super().create_superuser(extra.pop("username"), email=email, password=password, **extra)


class User(VersionedModel, AbstractUser):
    """A person. Signs in with e-mail; `username` mirrors the e-mail for Wagtail's admin."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=settings.LANGUAGE_CODE
    )
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    # How many of the user's notifications are unread (gcmhub.notifications keeps it): the header
    # shows it on every page without a query.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[GcmUserManager] = GcmUserManager()
    _password: str | None  # AbstractBaseUser: the raw password set_password() keeps until the next save

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        if not self.username:
            self.username = self.email
        # set_password() keeps the raw password until the next save; a hash upgrade at sign-in
        # does not (Django clears it first), so this is a real change, whatever the path (site,
        # CMS, Django admin, changepassword).
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            signals.password_changed.send(sender=User, user=self)

    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class RoleQuerySet(models.QuerySet["Role"]):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Role(models.Model):
    """A role granted to a user, with the organisation or country it is bound to.

    Revoking sets `revoked_at`; rows are never deleted, so the history of who held what stays.
    """

    class Kind(models.TextChoices):
        SECRETARIAT = "secretariat", _("Network Secretariat")
        NETWORK_FOCAL_POINT = "network_focal_point", _("Network member focal point")
        MEMBER_STATE_FOCAL_POINT = "member_state_focal_point", _("Member State focal point")
        REVIEWER = "reviewer", _("Reviewer")
        TRANSLATOR = "translator", _("Translator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=40, choices=Kind.choices)
    organisation = models.ForeignKey(
        "taxonomy.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="focal_points",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        "taxonomy.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="focal_points",
        verbose_name=_("country"),
    )
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "kind"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        indexes = [
            # Permission checks look up a user's active roles on every write.
            models.Index(fields=["user", "kind"], name="role_user_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                name="role_network_focal_point_has_organisation",
                condition=~models.Q(kind="network_focal_point") | models.Q(organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="role_member_state_focal_point_has_country",
                condition=~models.Q(kind="member_state_focal_point") | models.Q(country__isnull=False),
            ),
        ]

    def __str__(self):
        scope = self.organisation or self.country
        return f"{self.get_kind_display()}" + (f" ({scope})" if scope else "")
