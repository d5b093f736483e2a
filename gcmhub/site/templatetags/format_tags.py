"""Numbers, percentages and language names in the reader's language (gcmhub.lib.formats, decision
1303). Dates need no tag: `{{ value|date }}` and `{{ value|date:"DATETIME_FORMAT" }}`."""

from django import template

from gcmhub.lib import formats

register = template.Library()


@register.filter
def percent(value, decimal_pos=None) -> str:
    """`{{ 45|percent }}`: "45%", "45 %" (fr), "45 %" (es); `|percent:1` keeps one decimal."""
    return formats.percent_text(value, None if decimal_pos in (None, "") else int(decimal_pos))


@register.filter
def number(value, decimal_pos=None) -> str:
    """`{{ 1234|number }}`: "1,234", "1 234" (fr): grouped, with the language's separators."""
    return formats.number_text(value, None if decimal_pos in (None, "") else int(decimal_pos))


@register.filter
def language_name(code, usage="") -> str:
    """`{{ code|language_name }}`, the name as a standalone label ("Anglais");
    `{{ code|language_name:"in_sentence" }}` inside running text ("anglais" in French)."""
    return formats.language_name(str(code), in_sentence=usage == "in_sentence")


@register.filter
def language_list(codes) -> str:
    """`{{ codes|language_list }}`: "English, French" from ["en", "fr"]; a list reads as running
    text ("anglais, français" in French)."""
    return ", ".join(formats.language_name(str(code), in_sentence=True) for code in codes or ())
