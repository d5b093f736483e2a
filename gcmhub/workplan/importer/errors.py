from django.utils.translation import gettext


class WorkPlanImportError(Exception):
    """The document cannot be imported; `message` is translated and safe to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class UnknownOrganisationsError(WorkPlanImportError):
    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            gettext("Map or create these organisations before importing: %(names)s") % {"names": "; ".join(names)}
        )
