"""Parse a work-plan deadline as written ("2e et 3e trimestres 2021 et en cours") into periods.

The text is read in French, English or Spanish, with or without accents and in any case. It is cut
into tokens from small tables (ordinals, quarters and halves, months, years, connectors, fillers)
and a few grammar rules turn the tokens into periods:

- Parts: newlines and ";" separate independent parts ("Q3-Q4 2021 ; Q1-Q2 2022" gives two periods).
- A written year applies to the yearless items just before it: "1er trimestre-2e trimestre 2021",
  "2e et 3e trimestres 2021", "Q2 and Q3 2021". An ordinal waits for the unit after it
  ("2e et 3e trimestres"); a bare number before a month is a day ("6-15 juillet").
- "-", "to", "au", "a", "hasta", "/"... make a range from the start of one item to the end of the
  next ("2021-1er trimestre 2022" is 2021-01-01..2022-03-31).
- "et", "and", "y", "," make a list. Items of a list that follow each other without a gap become one
  period ("2e et 3e trimestres 2021" is one period Q2..Q3; "2021 et 2022" is 2021..2022); others stay
  separate ("1er trimestre 2021 et 2e trimestre 2022"). Parts separated by ";" are never merged.
- "en cours", "ongoing", "en curso" (with or without "et"/"and"/"y") set `ongoing`.
- A parenthesis without dates labels the periods of its part written before it:
  "2e trimestre-4e trimestre (expérimentation)".
- A parenthesis with dates is a continuation: its periods follow the main ones, labelled with the
  parenthesis text minus its dates ("poursuite de l'activité par le Réseau").
- A yearless item takes the year of the last period read before it in the text, or else the first
  year of the plan (`plan_start.year`); its period has `year_inferred=True`. This includes the dates
  of a continuation parenthesis: "juillet 2021 (poursuite ... aux 3e et 4e trimestres)" gives Q3..Q4
  2021 with `year_inferred=True`, because the parenthesis does not write the year. A yearless item
  that would go back in time from the previous period moves to the next year while that stays
  within the plan (`plan_end`), so "3e trimestre ; 1er trimestre" reads as Q3 2021 then Q1 2022.
  Without `plan_start` and without an earlier year, a yearless item cannot be dated (`ok=False`).
- Any word the tables do not know outside a parenthesis ("dès que possible", "TBD", "fin 2021")
  makes `ok=False`; the periods understood are still returned, for a human to check.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import re
import unicodedata
from dataclasses import dataclass

LABEL_MAX_LENGTH = 200  # ActivityPeriod.label


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str = ""
    year_inferred: bool = False


@dataclass
class ParsedDeadline:
    text: str
    periods: list[Period]
    ongoing: bool = False
    ok: bool = True

    @property
    def year_inferred(self) -> bool:
        return any(p.year_inferred for p in self.periods)

    @property
    def start(self) -> datetime.date | None:
        return min((p.start for p in self.periods), default=None)

    @property
    def end(self) -> datetime.date | None:
        return max((p.end for p in self.periods), default=None)


# ---------------------------------------------------------------------------------------------
# Vocabulary (accents removed, lower case)

YEAR, NUM, UNIT, QN, MONTH = "year", "num", "unit", "qn", "month"
AND, RANGE, BETWEEN, ONGOING, FILLER, WORD, PAREN = "and", "range", "between", "ongoing", "filler", "word", "paren"

QUARTER, HALF, MONTH_UNIT, DAY, WHOLE_YEAR = "Q", "S", "M", "D", "Y"
INVALID = "?"  # "5e trimestre": takes its year like the others, gives no period
_UNIT_MAX = {QUARTER: 4, HALF: 2}

_ORDINAL_WORDS = {
    # French
    "premier": 1, "premiere": 1, "premiers": 1, "deuxieme": 2, "second": 2, "seconde": 2,
    "troisieme": 3, "quatrieme": 4,
    # English
    "first": 1, "third": 3, "fourth": 4,
    # Spanish
    "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2,
    "tercer": 3, "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4,
}  # fmt: skip

_UNIT_WORDS = {
    "trimestre": QUARTER, "trimestres": QUARTER, "quarter": QUARTER, "quarters": QUARTER,
    "semestre": HALF, "semestres": HALF, "half": HALF, "halves": HALF,
}  # fmt: skip

_MONTH_WORDS = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "avr": 4, "juil": 7,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip

_CONNECTOR_WORDS = {
    "et": AND, "and": AND, "y": AND, ",": AND, "&": AND, "+": AND, ";": AND,  # ";" only inside parentheses
    "-": RANGE, "/": RANGE, "to": RANGE, "through": RANGE, "thru": RANGE, "until": RANGE, "till": RANGE,
    "au": RANGE, "a": RANGE, "al": RANGE, "hasta": RANGE, "jusqu'": RANGE,
    "between": BETWEEN, "entre": BETWEEN,
}  # fmt: skip

_ONGOING_WORDS = {"ongoing", "continuous", "continuing", "continuo", "continua"}

_FILLER_WORDS = {
    "de", "del", "d'", "du", "des", "of", "the", "in", "en", "le", "la", "les", "l'", "el", "los", "las",
    "aux", "during", "pendant", "durante", "from", "desde", "by", "year", "annee", "ano",
    "echeance", "echeances", "deadline", "deadlines", "timeline", "timelines", "plazo", "plazos",
}  # fmt: skip

# Several words read as one token; the longest phrase wins.
_PHRASES = {
    ("en", "cours"): ONGOING, ("en", "curso"): ONGOING, ("en", "continu"): ONGOING,
    ("in", "progress"): ONGOING, ("en", "progreso"): ONGOING,
    ("au", "cours", "du"): FILLER, ("au", "cours", "de"): FILLER, ("au", "cours", "des"): FILLER,
    ("a", "partir", "du"): FILLER, ("a", "partir", "de"): FILLER,
}  # fmt: skip
_PHRASE_MAX = max(len(p) for p in _PHRASES)

_TOKEN_RE = re.compile(
    r"""
      (?P<qn>\b[qtsh][1-4]\b)                      # Q2, T2 (trimestre), S1/H1 (half)
    | (?P<num>\d{1,4})
      (?:\.?(?P<suf>eres|ere|emes|eme|ers|er|res|re|nde|nd|st|rd|th|do|ro|to|e|o|a|°))?
      (?![^\W_])                                   # 2e, 1er, 2nd, 2.º (normalised to 2.o), 2021
    | (?P<badnum>\d[^\W_]*)
    | (?P<word>[^\W\d_]+'?)
    | (?P<sym>[-,&+/;])
    | (?P<open>\()
    | (?P<close>\))
    | (?P<unknown>\?)
    """,
    re.VERBOSE,
)

_MARKUP = [
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # markdown link: [Échéance : 2021](#)
    (re.compile(r"\^\{([^}]*)\}"), r"\1"),  # 1^{er}
    (re.compile(r"\\textsuperscript\{([^}]*)\}"), r"\1"),
    (re.compile(r"</?sup\s*>", re.IGNORECASE), ""),  # 1<sup>er</sup>
    (re.compile(r"[\^*_`\[\]]"), ""),  # 2^e, emphasis, stray brackets
]
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_APOSTROPHES = "\u2018\u2019\u02bc\u00b4`"


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass
class _Token:
    kind: str
    # NUM, MONTH, YEAR: a number; UNIT: the unit; QN: (unit, number); others: the text, or None.
    value: int | str | tuple[str, int] | None = None
    start: int = 0  # span in the text the token was read from
    end: int = 0

    @property
    def number(self) -> int:
        if not isinstance(self.value, int):
            raise TypeError(f"a {self.kind} token holds no number")
        return self.value

    @property
    def text(self) -> str:
        if not isinstance(self.value, str):
            raise TypeError(f"a {self.kind} token holds no text")
        return self.value

    @property
    def unit_and_number(self) -> tuple[str, int]:
        if not isinstance(self.value, tuple):
            raise TypeError(f"a {self.kind} token holds no unit and number")
        return self.value


def _clean(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case `text` without accents; also return, for each character, its index in `text`."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DASHES:
            norm = "-"
        elif ch in _APOSTROPHES:
            norm = "'"
        else:
            # NFKD also turns 1ᵉʳ into 1er and 2.º into 2.o.
            norm = "".join(c for c in unicodedata.normalize("NFKD", ch.lower()) if not unicodedata.combining(c))
        chars.extend(norm)
        index.extend([i] * len(norm))
    return "".join(chars), index


def split_outside_brackets(text: str, separators: str, opening: str = "(", closing: str = ")") -> list[str]:
    """Cut `text` at each of `separators` that stands outside brackets (any of `opening` and `closing`)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in opening:
            depth += 1
        elif ch in closing:
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _tokenize(text: str) -> list[_Token]:
    """Tokens of `text` with spans in `text`; a parenthesis becomes one PAREN token holding its text."""
    norm, index = _normalise(text)
    raw: list[tuple[str, str, int, int]] = []  # (group, normalised text, start, end) in `norm`
    suffixed: dict[int, bool] = {}
    for m in _TOKEN_RE.finditer(norm):
        group = m.lastgroup
        if m.group("num") is not None:  # (lastgroup would be "suf")
            suffixed[len(raw)] = m.group("suf") is not None
            raw.append(("num", m.group("num"), m.start(), m.end()))
        elif group is not None:
            raw.append((group, m.group(group), m.start(), m.end()))

    def span(a: int, b: int) -> tuple[int, int]:
        return index[a], index[b - 1] + 1

    tokens: list[_Token] = []
    i = 0
    while i < len(raw):
        group, value, a, b = raw[i]
        if group == "open":
            depth, j = 1, i + 1
            while j < len(raw) and depth:
                depth += {"open": 1, "close": -1}.get(raw[j][0], 0)
                j += 1
            inner_start = span(a, b)[1]
            inner_end = span(raw[j - 1][2], raw[j - 1][3])[0] if depth == 0 else len(text)
            tokens.append(_Token(PAREN, text[inner_start:inner_end], index[a], inner_end + (depth == 0)))
            i = j
            continue
        if group == "close":
            i += 1
            continue
        if group == "word":
            words = [value]
            for k in range(i + 1, min(i + _PHRASE_MAX, len(raw))):
                if raw[k][0] != "word":
                    break
                words.append(raw[k][1])
            for n in range(len(words), 1, -1):
                kind = _PHRASES.get(tuple(words[:n]))
                if kind:
                    tokens.append(_Token(kind, None, *span(a, raw[i + n - 1][3])))
                    i += n
                    break
            else:
                tokens.append(_word_token(value, *span(a, b)))
                i += 1
            continue
        start, end = span(a, b)
        if group == "qn":
            letter, n = value[0], int(value[1])
            unit = QUARTER if letter in "qt" else HALF
            tokens.append(
                _Token(QN, (unit, n), start, end) if n <= _UNIT_MAX[unit] else _Token(WORD, value, start, end)
            )
        elif group == "num":
            n = int(value)
            if not suffixed[i] and len(value) == 4 and 1900 <= n <= 2199:
                tokens.append(_Token(YEAR, n, start, end))
            else:
                tokens.append(_Token(NUM, n, start, end))
        elif group == "sym":
            tokens.append(_Token(_CONNECTOR_WORDS[value], value, start, end))
        else:  # badnum, unknown
            tokens.append(_Token(WORD, value, start, end))
        i += 1
    return tokens


def _word_token(word: str, start: int, end: int) -> _Token:
    if word in _ORDINAL_WORDS:
        return _Token(NUM, _ORDINAL_WORDS[word], start, end)
    if word in _UNIT_WORDS:
        return _Token(UNIT, _UNIT_WORDS[word], start, end)
    if word in _MONTH_WORDS:
        return _Token(MONTH, _MONTH_WORDS[word], start, end)
    if word in _CONNECTOR_WORDS:
        return _Token(_CONNECTOR_WORDS[word], word, start, end)
    if word in _ONGOING_WORDS:
        return _Token(ONGOING, word, start, end)
    if word in _FILLER_WORDS:
        return _Token(FILLER, word, start, end)
    return _Token(WORD, word, start, end)


# ---------------------------------------------------------------------------------------------
# Grammar: tokens -> items joined by connectors


@dataclass
class _Item:
    unit: str | None  # QUARTER, HALF, MONTH_UNIT, DAY, WHOLE_YEAR, INVALID; None: a number waiting for its unit
    n: int = 0  # quarter, half, month or day number
    month: int = 0  # for DAY
    year: int | None = None
    year_token: int | None = None  # which written year it got, to tell a shared year


@dataclass
class _Connector:
    kind: str  # AND or RANGE
    dash: bool = False


@dataclass
class _Expression:
    elements: list = dataclasses.field(default_factory=list)  # _Item, _Connector, _Token(PAREN)
    ongoing: bool = False
    error: bool = False
    meaningful: bool = False  # had anything but fillers

    @property
    def items(self) -> list[_Item]:
        return [e for e in self.elements if isinstance(e, _Item) and e.unit not in (None, INVALID)]


def _read_expression(tokens: list[_Token]) -> _Expression:
    expr = _Expression()
    elements = expr.elements
    between = False
    unit_ahead: str | None = None  # "trimestres 3 et 4": a unit written before its numbers
    unit_ahead_used = False

    def last_is_item() -> bool:
        for e in reversed(elements):
            if isinstance(e, _Item):
                return True
            if isinstance(e, _Connector):
                return False
        return False

    def trailing(predicate) -> list[_Item]:
        """Items at the end that satisfy `predicate`, across connectors and parentheses."""
        found = []
        for e in reversed(elements):
            if isinstance(e, _Item):
                if not predicate(e):
                    break
                found.append(e)
        return found

    for position, tok in enumerate(tokens):
        if tok.kind != FILLER:
            expr.meaningful = True
        if unit_ahead and tok.kind not in (NUM, AND, RANGE, FILLER):
            expr.error = expr.error or not unit_ahead_used
            unit_ahead = None
        if tok.kind == NUM and unit_ahead:
            valid = 1 <= tok.number <= _UNIT_MAX[unit_ahead]
            elements.append(_Item(unit_ahead if valid else INVALID, n=tok.number))
            expr.error = expr.error or not valid
            unit_ahead_used = True
        elif tok.kind == NUM:
            elements.append(_Item(None, n=tok.number))
        elif tok.kind == UNIT:
            waiting = trailing(lambda e: e.unit is None)
            if not waiting:
                unit_ahead, unit_ahead_used = tok.text, False
            for item in waiting:
                if 1 <= item.n <= _UNIT_MAX[tok.text]:
                    item.unit = tok.text
                else:
                    item.unit, expr.error = INVALID, True
        elif tok.kind == QN:
            unit, n = tok.unit_and_number
            elements.append(_Item(unit, n=n))
        elif tok.kind == MONTH:
            waiting = trailing(lambda e: e.unit is None)
            if waiting and isinstance(elements[-1], _Item):
                for item in waiting:  # "15 juillet", "6-15 juillet", "1er juillet"
                    if 1 <= item.n <= 31:
                        item.unit, item.month = DAY, tok.number
                    else:
                        item.unit, expr.error = INVALID, True
            else:
                expr.error = expr.error or bool(waiting)
                elements.append(_Item(MONTH_UNIT, n=tok.number))
        elif tok.kind == YEAR:
            if (
                len(elements) >= 2
                and isinstance(elements[-1], _Connector)
                and elements[-1].dash
                and isinstance(elements[-2], _Item)
                and elements[-2].unit not in (None, WHOLE_YEAR)
                and elements[-2].year is None
            ):
                elements.pop()  # "T2-2021" is the second quarter of 2021
            yearless = trailing(lambda e: e.unit not in (None, WHOLE_YEAR) and e.year is None)
            for item in yearless:
                item.year, item.year_token = tok.number, position
            if not yearless:
                elements.append(_Item(WHOLE_YEAR, year=tok.number, year_token=position))
        elif tok.kind in (AND, RANGE):
            kind = RANGE if (tok.kind == AND and between) else tok.kind
            between = between and tok.kind != AND
            if last_is_item():  # else a leading "à", "-" or "de ... a": nothing to join
                elements.append(_Connector(kind, dash=tok.value in ("-", "/")))
        elif tok.kind == BETWEEN:
            between = True
        elif tok.kind == ONGOING:
            expr.ongoing = True
            if elements and isinstance(elements[-1], _Connector):
                elements.pop()  # "et en cours"
        elif tok.kind == WORD:
            expr.error = True
        elif tok.kind == PAREN:
            elements.append(tok)

    if unit_ahead and not unit_ahead_used:
        expr.error = True  # "trimestre 2021"
    if any(isinstance(e, _Item) and e.unit is None for e in elements):
        expr.error = True  # "2e" with no unit after it
    if elements and isinstance(elements[-1], _Connector):
        expr.error = True  # "2021 -"
    return expr


# ---------------------------------------------------------------------------------------------
# Items -> periods


_MONTHS_PER_UNIT = {QUARTER: 3, HALF: 6, MONTH_UNIT: 1}


def _unit_of(item: _Item) -> str:
    if item.unit is None:
        raise ValueError("a number waiting for its unit is no period")
    return item.unit


def _first_day(item: _Item, year: int) -> datetime.date:
    if item.unit == WHOLE_YEAR:
        return datetime.date(year, 1, 1)
    if item.unit == DAY:
        return datetime.date(year, item.month, item.n)
    months_per_unit = _MONTHS_PER_UNIT[_unit_of(item)]
    return datetime.date(year, (item.n - 1) * months_per_unit + 1, 1)


def _last_day(item: _Item, year: int) -> datetime.date:
    if item.unit == WHOLE_YEAR:
        return datetime.date(year, 12, 31)
    if item.unit == DAY:
        return datetime.date(year, item.month, item.n)
    months_per_unit = _MONTHS_PER_UNIT[_unit_of(item)]
    month = item.n * months_per_unit
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class _Chain:
    """Items joined by range connectors: one period from the first to the last."""

    items: list[_Item]
    and_joined: bool  # joined to the previous chain by "et"/"and"/"y": may merge with it


@dataclass
class _Reader:
    plan_start: datetime.date | None
    plan_end: datetime.date | None
    periods: list[Period] = dataclasses.field(default_factory=list)
    ongoing: bool = False
    ok: bool = True
    context_year: int | None = None  # the year the last period read ends in
    last_start: datetime.date | None = None  # where the last period read starts

    def read_part(self, part: str) -> None:
        expr = _read_expression(_tokenize(part))
        if not expr.meaningful:
            return
        self.ok = self.ok and not expr.error
        self.ongoing = self.ongoing or expr.ongoing
        found: list[tuple[Period, bool]] = []  # (period, may merge with the previous one)
        labelled_up_to = 0
        for entry in _chains(expr.elements):
            if isinstance(entry, _Chain):
                period = self.resolve(entry.items[0], entry.items[-1])
                if period:
                    found.append((period, entry.and_joined))
            else:
                continuation = self.read_parenthesis(entry.value)
                if continuation is None:
                    label = _label(entry.value)
                    for k in range(labelled_up_to, len(found)):
                        found[k] = (dataclasses.replace(found[k][0], label=label), found[k][1])
                else:
                    found.extend((period, False) for period in continuation)
                labelled_up_to = len(found)
        if not found and not expr.ongoing:
            self.ok = False
        self.periods.extend(_merge(found))

    def read_parenthesis(self, text: str) -> list[Period] | None:
        """Periods of a parenthesis with dates, labelled with its other words; None if it has no dates."""
        tokens = _tokenize(text)
        expr = _read_expression(tokens)
        if not expr.items and not expr.ongoing:
            return None
        self.ongoing = self.ongoing or expr.ongoing
        label = _gist(text, tokens)
        found = []
        for entry in _chains(expr.elements):
            if isinstance(entry, _Chain):
                period = self.resolve(entry.items[0], entry.items[-1])
                if period:
                    found.append((dataclasses.replace(period, label=label), entry.and_joined))
        return _merge(found)

    def resolve(self, first: _Item, last: _Item) -> Period | None:
        """The period from `first` to `last`, dating yearless items (see the module docstring)."""
        default_year = self.context_year if self.context_year is not None else getattr(self.plan_start, "year", None)
        first_inferred, last_inferred = first.year is None, last.year is None
        first_year = default_year if first_inferred else first.year
        last_year = default_year if last_inferred else last.year
        if first_year is None or last_year is None:
            self.ok = False
            return None
        try:
            if (
                first_inferred
                and last_inferred
                and self.last_start
                and self.plan_end
                and _first_day(first, first_year) < self.last_start
                and first_year + 1 <= self.plan_end.year
            ):
                first_year += 1  # "3e trimestre ; 1er trimestre": the next year, if the plan lasts
                last_year += 1
            start, end = _first_day(first, first_year), _last_day(last, last_year)
            if start > end:
                if last_inferred:
                    last_year += 1
                elif first_inferred or first.year_token == last.year_token:
                    first_year -= 1  # "décembre-février 2022"
                start, end = _first_day(first, first_year), _last_day(last, last_year)
        except ValueError:  # 31 février
            self.ok = False
            return None
        if start > end:
            self.ok = False
            return None
        self.context_year = end.year
        self.last_start = start
        return Period(start, end, year_inferred=first_inferred or last_inferred)


def _chains(elements: list) -> list:
    """Group items joined by ranges into chains; parentheses stay in place between them."""
    entries: list = []
    pending: str | None = None
    for e in elements:
        if isinstance(e, _Item):
            if e.unit in (None, INVALID):
                continue
            chains = [x for x in entries if isinstance(x, _Chain)]
            if pending == RANGE and chains:
                chains[-1].items.append(e)
            else:
                # Two items with nothing between them ("2021 2022") read as a list.
                entries.append(_Chain([e], and_joined=bool(chains)))
            pending = None
        elif isinstance(e, _Connector):
            pending = e.kind
        else:
            entries.append(e)
    return entries


def _merge(found: list[tuple[Period, bool]]) -> list[Period]:
    """Join listed periods that follow each other without a gap and have the same label."""
    merged: list[Period] = []
    for period, may_merge in found:
        previous = merged[-1] if merged else None
        if (
            may_merge
            and previous
            and previous.label == period.label
            and previous.end + datetime.timedelta(days=1) == period.start
        ):
            merged[-1] = dataclasses.replace(
                previous, end=period.end, year_inferred=previous.year_inferred or period.year_inferred
            )
        else:
            merged.append(period)
    return merged


def _label(text: str) -> str:
    return " ".join(text.split())[:LABEL_MAX_LENGTH]


def _gist(text: str, tokens: list[_Token]) -> str:
    """The words of a continuation parenthesis around its dates and their prepositions."""
    dated = [i for i, t in enumerate(tokens) if t.kind in (NUM, UNIT, QN, MONTH, YEAR, ONGOING)]
    first, last = dated[0], dated[-1]
    glue = (FILLER, AND, RANGE, BETWEEN)
    while first > 0 and tokens[first - 1].kind in glue:
        first -= 1
    while last + 1 < len(tokens) and tokens[last + 1].kind in glue:
        last += 1
    before = text[: tokens[first].start]
    after = text[tokens[last].end :]
    return _label(f"{before} {after}".strip(" \t,;:-\u2013\u2014"))


def parse_deadline(
    text: str, *, plan_start: datetime.date | None = None, plan_end: datetime.date | None = None
) -> ParsedDeadline:
    """Read a deadline as written into periods; see the module docstring for the rules."""
    text = (text or "").strip()
    if not text:
        return ParsedDeadline(text="", periods=[], ok=True)
    reader = _Reader(plan_start, plan_end)
    for part in split_outside_brackets(_clean(text), ";\n"):  # one deadline per ";" or line
        reader.read_part(part)
    return ParsedDeadline(text=text, periods=reader.periods, ongoing=reader.ongoing, ok=reader.ok)
