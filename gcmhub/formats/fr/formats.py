# "4 décembre 2026", "4 décembre 2026 à 14:30 UTC"; "1 234,5"; "45 %" (decision 1303).
# The thousands and the percent sign take a narrow no-break space (U+202F), as French typography
# and CLDR write them.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y à H:i T"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
PERCENT_FORMAT = "{}\u202f%"
LANGUAGE_NAMES_IN_LOWER_CASE = True
