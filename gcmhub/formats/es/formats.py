# "4 de diciembre de 2026", "4 de diciembre de 2026 a las 14:30 UTC"; "1 234,5"; "45 %"
# (decision 1303). Thousands and the percent sign take a no-break space (U+00A0), as Django's
# Spanish formats and the Real Academia Española's Ortografía (2010) write them.
DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s H:i T"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3
PERCENT_FORMAT = "{}\u00a0%"
LANGUAGE_NAMES_IN_LOWER_CASE = True
