# The date as Django's Arabic formats write it, "4 ديسمبر، 2026", then a 24-hour time and the
# zone: "4 ديسمبر، 2026، 14:30 UTC" (decision 1303). Digits are Latin, as everywhere on the site;
# the separators are CLDR's for Arabic with Latin digits ("1,234.5", "45%").
DATE_FORMAT = "j F، Y"
DATETIME_FORMAT = "j F، Y، H:i T"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
PERCENT_FORMAT = "{}%"
LANGUAGE_NAMES_IN_LOWER_CASE = False
