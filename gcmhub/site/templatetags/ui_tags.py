"""Tags of the site's interface components: the filter panel and the strings the scripts show."""

from django import template
from django.utils.html import json_script
from django.utils.translation import gettext

register = template.Library()


@register.filter
def active_filter_count(form) -> int:
    """How many fields of a filter form (bound to the query string) have a value."""
    if not getattr(form, "is_bound", False):
        return 0
    return sum(1 for field in form if field.value() not in (None, "", [], (), False))


@register.simple_tag
def ui_strings():
    """The text gcmhub's scripts show or announce, in the active language, as a JSON block (not a
    script that runs: the Content-Security-Policy allows no inline script). `%(name)s` stands for a
    value the script fills in."""
    strings = {
        "pickerHelp": gettext(
            "Type to filter the list, use the up and down arrow keys to move through it and Enter to choose."
        ),
        "pickerHelpMultiple": gettext(
            "Type to filter the list, use the up and down arrow keys to move through it and Enter to select "
            "or deselect. Your choices are listed before the box as buttons: press one to remove it."
        ),
        "pickerChosen": gettext("Chosen: %(field)s"),
        "pickerRemove": gettext("Remove %(label)s"),
        "pickerAdded": gettext("%(label)s chosen."),
        "pickerRemoved": gettext("%(label)s removed."),
        "pickerCount": gettext("Options shown: %(count)s."),
        "pickerNone": gettext("No option matches."),
        "pickerChosenCount": gettext("Chosen: %(count)s."),
        "filterList": gettext("Filter the list: %(legend)s"),
        "filterListCount": gettext("Shown: %(count)s of %(total)s."),
        "scrollingTable": gettext("Table (scrolls sideways)"),
    }
    return json_script(strings, "gcmhub-ui-strings")
