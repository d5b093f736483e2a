"""GCM reference data: objectives, guiding principles, thematic areas, regions, countries and
organisations. Labels are stored in English, French and Spanish; codes are stable slugs."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.concurrency import VersionedModel
from gcmhub.lib.i18n import LANGUAGE_CODES, Translated
from gcmhub.lib.names import normalize_name


def by_shown_name(queryset, lang: str, then: str):
    """`queryset` ordered by the name shown in `lang` (its own name, else the English one), then
    by `then`: countries and organisations in the reader's alphabetical order."""
    shown = Coalesce(NullIf(f"name_{lang}", models.Value("")), "name_en")
    return queryset.order_by(Lower(shown), then)


class Objective(VersionedModel):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short = Translated(models.CharField, _("short label"), max_length=120, required=("en",))
    title = Translated(models.CharField, _("title"), max_length=300, required=("en",))
    source_language = "en"

    class Meta:
        ordering = ["number"]
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")

    def __str__(self):
        return f"{self.number}. {self.short}"

    def get_absolute_url(self):
        return reverse("taxonomy:objective", args=[self.number])


class GuidingPrinciple(VersionedModel):
    code = models.CharField(_("code"), max_length=1, unique=True, help_text=_("Letter of GCM paragraph 15"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = Translated(models.CharField, _("name"), max_length=200, required=("en",))
    source_language = "en"

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("taxonomy:principle", args=[self.code])


class ThematicArea(VersionedModel):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = Translated(models.CharField, _("name"), max_length=300, required=("en",))
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="thematic_areas", verbose_name=_("objectives")
    )
    source_language = "en"

    class Meta:
        ordering = ["number"]
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return reverse("taxonomy:thematic_area", args=[self.number])


class Region(VersionedModel):
    """A UN M49 region or sub-region."""

    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    name = Translated(models.CharField, _("name"), max_length=120, required=("en",))
    source_language = "en"

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class CountryQuerySet(models.QuerySet["Country"]):
    def listed(self):
        """The countries and areas offered in lists, pickers and filters: not those the UN does not
        list as a country (`listed` false), which stay only where content already names them."""
        return self.filter(listed=True)

    def offered(self, keep=None):
        """What a picker offers: the listed ones, and those in `keep` (a queryset of ids or
        countries the edited object names already, so that saving it keeps them)."""
        if keep is None:
            return self.listed()
        return self.filter(models.Q(listed=True) | models.Q(pk__in=keep))

    def by_name(self, lang: str):
        return by_shown_name(self, lang, "iso3")


class Country(VersionedModel):
    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    m49 = models.CharField(_("M49 code"), max_length=3, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="countries")
    subregion = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="subregion_countries"
    )
    name = Translated(models.CharField, _("name"), max_length=120, required=("en",))
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One per line: names in common use or in other lists (ISO, CLDR), found by imports and searches."),
    )
    note = Translated(models.TextField, _("note"))
    listed = models.BooleanField(
        _("listed as a country or area"),
        default=True,
        help_text=_("Offered in lists, pickers and filters. Off for a territory the UN does not list as a country."),
    )
    source_language = "en"

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    @property
    def marked_name(self) -> str:
        """The name, with "*" when a note goes with it (exports add the note below: `note_rows`)."""
        return f"{self.name}*" if self.note else self.name

    def get_absolute_url(self):
        return reverse("taxonomy:country", args=[self.iso3.lower()])


def note_rows(countries, width: int) -> list[list[str]]:
    """The rows an export adds below its table for the `countries` it named with a note (Kosovo:
    resolution 1244): "* note" in the first of `width` cells, once per distinct note."""
    notes = dict.fromkeys(country.note for country in countries if country.note)
    return [[f"* {note}", *[""] * (width - 1)] for note in notes]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def resolving(self, name: str):
        """Organisations whose name, acronym or alias (any language) matches `name`."""
        key = normalize_name(name)
        return self.filter(aliases__normalized=key).distinct()

    def matching(self, text: str):
        """Organisations whose name, acronym or alias (any language) contains `text`."""
        condition = models.Q()
        for field in ("name", "acronym"):
            for code in LANGUAGE_CODES:
                condition |= models.Q(**{f"{field}_{code}__icontains": text})
        key = normalize_name(text)
        if key:
            condition |= models.Q(aliases__normalized__contains=key)
        return self.filter(condition).distinct()

    def by_name(self, lang: str):
        return by_shown_name(self, lang, "pk")


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        UN_ENTITY = "un", _("UN entity")
        INTERGOVERNMENTAL = "igo", _("Other intergovernmental organisation")
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "cso", _("Civil society")
        MIGRANT_DIASPORA = "migrant", _("Migrants' or diaspora organisation")
        ACADEMIA = "academia", _("Academia")
        PRIVATE_SECTOR = "private", _("Private sector")
        TRADE_UNION = "trade_union", _("Trade union")
        NHRI = "nhri", _("National human rights institution")
        LOCAL_AUTHORITY = "local", _("Local authority")
        BODY = "body", _("Body or mandate holder")
        PERSON = "person", _("Individual expert")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    name = Translated(models.CharField, _("name"), max_length=300, required=("en",))
    acronym = Translated(models.CharField, _("acronym"), max_length=40)
    website = models.URLField(_("website"), blank=True)
    is_network_member = models.BooleanField(_("member of the UN Network on Migration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    source_language = "en"

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("taxonomy:organisation", args=[self.slug])

    @property
    def label(self) -> str:
        """Acronym if there is one, else the name, in the active language."""
        return self.acronym or self.name

    def all_names(self) -> set[str]:
        names = set()
        for code in LANGUAGE_CODES:
            for field in ("name", "acronym"):
                value = getattr(self, f"{field}_{code}")
                if value:
                    names.add(value)
        return names

    def sync_aliases(self) -> None:
        """Make every name and acronym an alias, so they resolve like hand-added aliases."""
        for name in self.all_names():
            OrganisationAlias.objects.get_or_create(
                normalized=normalize_name(name), defaults={"organisation": self, "alias": name}
            )


class OrganisationAlias(VersionedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=300)
    # Unique: one spelling names one organisation, whatever the language.
    normalized = models.CharField(max_length=300, unique=True, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("organisation alias")
        verbose_name_plural = _("organisation aliases")

    def __str__(self):
        return self.alias

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.alias)
        super().save(*args, **kwargs)

    def clean(self):
        # `normalized` is not on forms, so its uniqueness is checked here, not by the database.
        self.normalized = normalize_name(self.alias)
        clash = OrganisationAlias.objects.filter(normalized=self.normalized).exclude(pk=self.pk).first()
        if clash:
            raise ValidationError(
                {"alias": _("This spelling already names %(organisation)s.") % {"organisation": clash.organisation}}
            )
