"""The Network's criteria for the repository of practices, shared by the submitter's checklist and
the reviewers' score sheet, and the vocabularies of resources and the reviewer roster."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Criterion(models.TextChoices):
    OBJECTIVES = "objectives", _("Linked to one or more GCM objectives")
    PRINCIPLES = "principles", _("Consistent with the GCM guiding principles")
    TIMING = "timing", _("Implemented after December 2018")
    COMPLETION = "completion", _("Completed or mostly completed")
    RESULTS = "results", _("Shows results and impact")
    INNOVATION = "innovation", _("Innovative")
    REPLICABILITY = "replicability", _("Sustainable and replicable")


SCORE_MIN, SCORE_MAX = 1, 5  # a reviewer scores each criterion from 1 (not met) to 5 (fully met)


class Audience(models.TextChoices):
    GOVERNMENTS = "governments", _("Governments")
    LOCAL_AUTHORITIES = "local_authorities", _("Local authorities")
    UN_SYSTEM = "un_system", _("UN system")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MIGRANTS = "migrants", _("Migrants and diaspora")
    ACADEMIA = "academia", _("Academia")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    TRADE_UNIONS = "trade_unions", _("Trade unions")
    GENERAL_PUBLIC = "general_public", _("General public")


class CrossCuttingIssue(models.TextChoices):
    """Expertise beyond the objectives, as the Hub's roster records it."""

    GENDER = "gender", _("Gender")
    CHILDREN = "children", _("Children")
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    HEALTH = "health", _("Health")
    CLIMATE = "climate", _("Climate change and disasters")
    DATA = "data", _("Data and evidence")
    LOCAL_GOVERNANCE = "local_governance", _("Local governance")
    LABOUR = "labour", _("Labour migration")


# Languages a resource can be available in: the UN's six plus Portuguese.
class ResourceLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")
    RU = "ru", _("Russian")
    ZH = "zh", _("Chinese")
    PT = "pt", _("Portuguese")
