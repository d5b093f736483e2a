"""How dates, times, numbers and percentages are written in each language of `settings.LANGUAGES`
(decision 1303): Django's format modules, read first through `FORMAT_MODULE_PATH`; what a module
leaves out comes from Django's own module for the language (input formats, first day of the week).

One date format per language (`DATE_FORMAT`, the UN's "4 December 2026"), one date-time format
that always ends with the time zone (`DATETIME_FORMAT`, 24-hour clock), and the short formats
made the same as the long ones, so no page shows "11/27/2026" beside "4 December 2026".

Beside Django's names, two of gcmhub's own, read by `gcmhub.lib.formats`:

- `PERCENT_FORMAT`: where the number goes (`{}`) and how the percent sign follows it;
- `LANGUAGE_NAMES_IN_LOWER_CASE`: the language writes the names of languages in lower case inside
  a sentence ("anglais", "inglés").
"""
