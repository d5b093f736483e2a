"""Step 2 of a work-plan import: the document's lines → a `ParsedPlan` (plain Python, no Django).

Reads the layout the Network's work plans share (priority headings, "Activités :" with numbered
activities, "Échéance :" lines, lead/participating organisations, GCM objectives, thematic area)
into plain dataclasses. The keyword tables cover the three languages; the parser is written for
the layout, not for one file, and tolerates the artefacts of PDF extraction (wrapped lines, stray
blank lines and indentation, "[Échéance : ...](#)" links, a lone "-").

Organisation lists are split with the help of the names already known (normalized aliases), so
"Cités et gouvernements locaux unis" stays one name; which organisation a name stands for is
decided later (`resolve.py`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from gcmhub.lib.names import normalize_name
from gcmhub.workplan.deadlines import split_outside_brackets

# Priority.Kind and Involvement values (gcmhub.workplan.models; a test keeps them equal).
CORE, THEMATIC, WORKING_GROUP = "core", "thematic", "working_group"
LEAD, PARTICIPANT, OBSERVER = "lead", "participant", "observer"


@dataclass
class ParsedActivity:
    number: int | None
    text: str
    deadline_lines: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    # Phrases in an organisation list that name no organisation ("all members of the ExCom").
    remarks: list[str] = field(default_factory=list)

    @property
    def deadline_text(self) -> str:
        return "\n".join(self.deadline_lines)


@dataclass
class ParsedPriority:
    kind: str
    code: str
    title: str
    activities: list[ParsedActivity] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    observers: list[str] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    all_objectives: bool = False
    cross_cutting: bool = False
    objectives_text: str = ""
    thematic_area: int | None = None
    # Raw organisation name -> note as written ("représenté par Migrant Forum in Asia").
    org_notes: dict[str, str] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)

    def organisation_names(self) -> Iterable[str]:
        yield from self.leads
        yield from self.participants
        yield from self.observers
        for activity in self.activities:
            yield from activity.leads
            yield from activity.participants


@dataclass
class ParsedPlan:
    title: str
    source_language: str
    as_of: str
    period_start: datetime.date
    period_end: datetime.date
    priorities: list[ParsedPriority] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # the title in every language we can name it
    filename: str = ""

    @property
    def slug(self) -> str:
        if self.period_start.year == self.period_end.year:
            return str(self.period_start.year)
        return f"{self.period_start.year}-{self.period_end.year}"

    @property
    def activity_count(self) -> int:
        return sum(len(p.activities) for p in self.priorities)

    def organisation_names(self) -> list[str]:
        """Every organisation as written, once, in order of appearance."""
        return list(dict.fromkeys(name for p in self.priorities for name in p.organisation_names()))


# ---------------------------------------------------------------------------------------------
# Keyword tables (matched on the line with accents and case folded, see `_fold`)

COLON = r"\s*:\s*"
CORE_RE = re.compile(
    r"^(?:priorite essentielle|core priority|prioridad basica|prioridad esencial)\s+(\d+(?:\.\d+)*)\b\s*[:.\u2013-]?\s*(.*)$"
)
THEMATIC_RE = re.compile(
    r"^(?:priorite thematique|thematic priority|prioridad tematica)\s+(\d+(?:\.\d+)*)\b\s*[:.\u2013-]?\s*(.*)$"
)
WORKING_GROUP_RE = re.compile(
    r"^(?:groupe de travail thematique|thematic working group|grupo de trabajo tematico)\s*[:\u2013-]\s*(.+)$"
)
SECTION_RE = re.compile(
    r"^(?:priorites essentielles|core priorities|prioridades basicas|prioridades esenciales"
    r"|objectifs thematiques|thematic objectives|objetivos tematicos"
    r"|groupes de travail thematiques(?: existants)?|(?:existing )?thematic working groups|grupos de trabajo tematicos(?: existentes)?"
    r"|(?:nouvelles )?priorites thematiques|(?:new )?thematic priorities|(?:nuevas )?prioridades tematicas)\s*:?$"
)
ACTIVITIES_RE = re.compile(r"^(?:activites|activities|actividades)\s*:?$")
DEADLINE_RE = re.compile(
    r"^(?:echeances?|deadlines?|timelines?|timeframe|calendrier|plazos?|calendario)" + COLON + r"(.*)$"
)
ACTIVITY_LEAD_RE = re.compile(
    r"^(?:membres du reseau et parties prenantes chefs? de file|lead network members and stakeholders"
    r"|network members and stakeholders leading|miembros de la red y partes interesadas principales)" + COLON + r"(.*)$"
)
ACTIVITY_PARTICIPANT_RE = re.compile(
    r"^(?:membres du reseau et parties prenantes participant(?:e)?s|participating network members and stakeholders"
    r"|miembros de la red y partes interesadas participantes)" + COLON + r"(.*)$"
)
LEAD_RE = re.compile(
    r"^(?:organismes? chefs? de file|entites? chefs? de file|lead (?:agency|agencies|entity|entities|organi[sz]ations?)"
    r"|entidad(?:es)? principal(?:es)?|organismos? principal(?:es)?|entidad(?:es)? rectora?s?)" + COLON + r"(.*)$"
)
PARTICIPANT_RE = re.compile(
    r"^(?:organismes? participants?|entites? participantes?|participating (?:agencies|entities|organi[sz]ations)"
    r"|entidades participantes|organismos participantes)\b[^:]*" + COLON + r"(.*)$"
)
OBSERVER_RE = re.compile(r"^(?:observateurs?|observers?|observadores?)" + COLON + r"(.*)$")
OBJECTIVES_RE = re.compile(
    r"^(?:objectifs? du pacte mondial|gcm objectives?|objectives? of the (?:gcm|global compact)|global compact objectives?"
    r"|objetivos? del pacto mundial)" + COLON + r"(.*)$"
)
THEMATIC_AREA_RE = re.compile(
    r"^(?:domaine thematique|thematic area|area tematica)\s+(\d+)\b\s*[:.\u2013\u2014-]?\s*(.*)$"
)
NUMBERED_RE = re.compile(r"^(\d{1,3}|#)[.)]\s+(.+)$")
BULLET_RE = re.compile(r"^[-\u2013\u2022\u00b7]\s*(.*)$")
ALL_OBJECTIVES_RE = re.compile(r"^(?:tous|toutes|all|todos|all objectives|tous les objectifs|todos los objetivos)\b")
CROSS_CUTTING_RE = re.compile(r"(?:transversal|cross[- ]cutting)")
PLAN_TITLE_RE = re.compile(r"(?:plan de travail|work ?plan|plan de trabajo)")
PLAN_YEARS_RE = re.compile(r"\b(20\d\d)(?:\s*[-\u2013/]\s*(20\d\d))?\b")
STANDARD_TITLE_RE = re.compile(
    r"(?:priorites|priorities|prioridades)\s+(?:pour|for|para)\s+(20\d\d(?:\s*[-\u2013]\s*20\d\d)?)"
)
AS_OF_RE = re.compile(r"^(?:au|as of|as at|al|a fecha de|a)\s+\d{1,2}(?:er)?\s+(?:de\s+)?[a-z]+\s+(?:de\s+)?20\d\d$")
NOT_ORGANISATION_RE = re.compile(
    r"^(?:tous les|toutes les|l'ensemble des|all |todos los|todas las|membres |members |miembros |any |every )"
)
REPRESENTED_RE = re.compile(r"\s+(?:represente(?:e)?s? par|represented by|representad[oa]s? por)\s+")
CONJUNCTION_RE = re.compile(r"\s+(?:et|and|y)\s+", re.IGNORECASE)

LANGUAGE_HINTS = {
    "fr": re.compile(
        r"\b(?:echeance|activites|priorite|organismes?|objectifs? du pacte|domaine thematique|chef de file)\b"
    ),
    "en": re.compile(r"\b(?:deadline|timeline|activities|priority|lead|participating|objectives|thematic area)\b"),
    "es": re.compile(r"\b(?:plazo|actividades|prioridad|pacto mundial|entidades|area tematica|objetivos)\b"),
}

STANDARD_TITLES = {
    "fr": "Plan de travail du Réseau : priorités pour {years}",
    "en": "Network work plan: priorities for {years}",
    "es": "Plan de trabajo de la Red: prioridades para {years}",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("\u2019", "'").lower()


def detect_language(lines: list[str]) -> str:
    folded = _fold("\n".join(lines))
    scores = {lang: len(regex.findall(folded)) for lang, regex in LANGUAGE_HINTS.items()}
    return max(scores, key=lambda lang: (scores[lang], lang == "en"))


# ---------------------------------------------------------------------------------------------
# Parser


@dataclass
class _Field:
    """An organisation list being read (it may wrap over several lines)."""

    owner: ParsedPriority | ParsedActivity
    role: str
    text: str


class _Parser:
    def __init__(self, lines: list[str]):
        self.lines = [line for line in lines if line]
        self.priorities: list[ParsedPriority] = []
        self.fields: list[_Field] = []
        self.block: ParsedPriority | None = None
        self.activity: ParsedActivity | None = None
        self.mode = "preamble"
        self.title_line = ""
        self.as_of = ""
        self.pending_title: list[str] = []

    def run(self) -> None:
        for index, line in enumerate(self.lines):
            self.line(index, line)
        self.finish_title()

    def value(self, line: str, match: re.Match, group: int = 1) -> str:
        """The text after the keyword, cut from the original (accented) line."""
        return line[match.start(group) :].strip() if match.group(group) is not None else ""

    def line(self, index: int, line: str) -> None:
        bullet = BULLET_RE.match(line)
        body = bullet.group(1).strip() if bullet else line
        if not body:
            return  # a lone "-"
        folded = _fold(body)

        if match := CORE_RE.match(folded):
            return self.start_block(CORE, match.group(1), self.value(body, match, 2), index)
        if match := THEMATIC_RE.match(folded):
            return self.start_block(THEMATIC, match.group(1), self.value(body, match, 2), index)
        if match := WORKING_GROUP_RE.match(folded):
            return self.start_block(WORKING_GROUP, "", self.value(body, match, 1), index)

        if self.block is None:
            return self.preamble(body, folded)

        if SECTION_RE.match(folded):
            self.finish_title()
            self.mode = "between"
            return
        if ACTIVITIES_RE.match(folded):
            self.finish_title()
            self.mode = "activities"
            self.activity = None
            return
        if match := DEADLINE_RE.match(folded):
            self.finish_title()
            activity = self.activity if self.activity is not None else self.new_activity(None, "")
            activity.deadline_lines.append(self.value(body, match))
            self.mode = "deadline"
            return
        if match := ACTIVITY_LEAD_RE.match(folded):
            return self.open_field(self.activity or self.block, LEAD, self.value(body, match))
        if match := ACTIVITY_PARTICIPANT_RE.match(folded):
            return self.open_field(self.activity or self.block, PARTICIPANT, self.value(body, match))
        if match := LEAD_RE.match(folded):
            return self.open_field(self.block, LEAD, self.value(body, match))
        if match := PARTICIPANT_RE.match(folded):
            return self.open_field(self.block, PARTICIPANT, self.value(body, match))
        if match := OBSERVER_RE.match(folded):
            return self.open_field(self.block, OBSERVER, self.value(body, match))
        if match := OBJECTIVES_RE.match(folded):
            self.finish_title()
            self.set_objectives(self.value(body, match))
            self.mode = "meta"
            return
        if match := THEMATIC_AREA_RE.match(folded):
            self.finish_title()
            self.block.thematic_area = int(match.group(1))
            self.mode = "meta"
            return

        in_activities = self.mode in ("activities", "activity", "deadline", "activity_field")
        if (match := NUMBERED_RE.match(body)) and (in_activities or self.mode == "title"):
            self.finish_title()
            number = match.group(1)
            if number == "#":
                numbered = [a.number for a in self.block.activities if a.number]
                number = (max(numbered) + 1) if numbered else 1
            self.new_activity(int(number), match.group(2))
            return
        if bullet and in_activities and (self.activity is None or self.activity_has_details(self.activity)):
            # An unnumbered activity written as a bullet after the previous one's deadline.
            self.new_activity(None, body)
            return

        # A line that continues whatever is being read.
        if self.mode == "title":
            self.pending_title.append(body)
        elif self.mode == "activity" and self.activity is not None:
            self.activity.text = f"{self.activity.text} {body}".strip()
        elif self.mode == "deadline" and self.activity is not None and not bullet:
            self.activity.deadline_lines[-1] = f"{self.activity.deadline_lines[-1]} {body}".strip()
        elif self.mode in ("field", "activity_field") and self.fields:
            self.fields[-1].text = f"{self.fields[-1].text} {body}".strip()
        elif self.mode == "activities" and self.activity is None:
            self.new_activity(None, body)

    def activity_has_details(self, a: ParsedActivity) -> bool:
        return bool(a.deadline_lines or a.leads or a.participants or self.mode == "activity_field")

    def preamble(self, body: str, folded: str) -> None:
        if not self.title_line and PLAN_TITLE_RE.search(folded) and PLAN_YEARS_RE.search(folded) and len(body) < 200:
            self.title_line = body
        elif not self.as_of and AS_OF_RE.match(folded):
            self.as_of = body

    def start_block(self, kind: str, code: str, title: str, index: int) -> None:
        # A heading counts only when a title follows it (on its line or the next one); the
        # narrative before the priorities may mention "priorité thématique 1" in passing.
        if not title:
            following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
            if not following or self._is_keyword(following):
                return
        self.finish_title()
        self.block = ParsedPriority(kind=kind, code=code, title=title)
        self.priorities.append(self.block)
        self.activity = None
        self.pending_title = []
        self.mode = "title"  # the title may go on over the next lines

    def _is_keyword(self, line: str) -> bool:
        folded = _fold(BULLET_RE.sub(r"\1", line).strip())
        return any(
            regex.match(folded)
            for regex in (
                CORE_RE,
                THEMATIC_RE,
                WORKING_GROUP_RE,
                ACTIVITIES_RE,
                DEADLINE_RE,
                SECTION_RE,
                LEAD_RE,
                PARTICIPANT_RE,
            )
        )

    def finish_title(self) -> None:
        if self.block is not None and self.pending_title:
            extra = " ".join(self.pending_title)
            self.block.title = f"{self.block.title} {extra}".strip() if self.block.title else extra
            self.pending_title = []

    def current_block(self) -> ParsedPriority:
        """The priority being read (the lines before the first one go to `preamble`)."""
        if self.block is None:
            raise RuntimeError("no priority is being read")
        return self.block

    def new_activity(self, number: int | None, text: str) -> ParsedActivity:
        self.activity = ParsedActivity(number=number, text=text.strip())
        self.current_block().activities.append(self.activity)
        self.mode = "activity"
        return self.activity

    def open_field(self, owner: ParsedPriority | ParsedActivity, role: str, text: str) -> None:
        self.finish_title()
        self.fields.append(_Field(owner=owner, role=role, text=text))
        self.mode = "activity_field" if isinstance(owner, ParsedActivity) else "field"

    def set_objectives(self, text: str) -> None:
        block = self.current_block()
        block.objectives_text = text.strip().rstrip(".")
        folded = _fold(block.objectives_text)
        block.all_objectives = bool(ALL_OBJECTIVES_RE.match(folded))
        block.cross_cutting = bool(CROSS_CUTTING_RE.search(folded))
        block.objectives = list(dict.fromkeys(int(n) for n in re.findall(r"\b\d{1,2}\b", folded) if 1 <= int(n) <= 23))


def _plan_titles(title_line: str, language: str) -> tuple[str, dict[str, str]]:
    if not title_line:
        return "", {}
    if match := STANDARD_TITLE_RE.search(_fold(title_line)):
        years = re.sub(r"\s*[-\u2013]\s*", "-", match.group(1))
        titles = {lang: pattern.format(years=years) for lang, pattern in STANDARD_TITLES.items()}
        return titles[language], titles
    title = title_line
    if title.isupper():
        title = title.lower().capitalize()
    return title, {language: title}


# ---------------------------------------------------------------------------------------------
# Organisation lists


def _name_candidates(name: str) -> list[str]:
    """'Name (ACR)' is tried whole, then as 'Name', then as 'ACR'."""
    candidates = [name]
    match = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", name)
    if match:
        candidates += [match.group(1), match.group(2)]
    return [c for c in candidates if c.strip()]


def lookup_name(name: str, aliases) -> object | None:
    """The value `aliases` (normalized name -> anything) holds for `name`, or None."""
    for candidate in _name_candidates(name):
        key = normalize_name(candidate)
        if key in aliases:
            return aliases[key] if isinstance(aliases, dict) else key
    return None


def _resolve_group(text: str, known) -> list[str] | None:
    """Names `text` stands for, if all are known: itself, or its parts around "/"."""
    if lookup_name(text, known) is not None:
        return [text]
    if "/" in text:
        parts = [p.strip() for p in text.split("/") if p.strip()]
        if len(parts) > 1 and all(lookup_name(p, known) is not None for p in parts):
            return parts
    return None


def _conjunction_pieces(text: str) -> list[tuple[str, str]]:
    """Split on " et "/" and "/" y " outside parentheses, keeping the conjunctions: (piece, conjunction after it)."""
    pieces: list[tuple[str, str]] = []
    last, depth = 0, 0
    depth_at = []
    for char in text:
        depth += char == "("
        depth -= char == ")"
        depth_at.append(depth)
    for match in CONJUNCTION_RE.finditer(text):
        if depth_at[match.start()] == 0:
            pieces.append((text[last : match.start()], match.group(0)))
            last = match.end()
    pieces.append((text[last:], ""))
    return pieces


def _split_conjunctions(segment: str, known) -> list[str]:
    """The best reading of "A et B et C": known spans first, as few unknown names as possible."""
    pieces = _conjunction_pieces(segment)
    if len(pieces) == 1 or len(pieces) > 8:
        return _resolve_group(segment, known) or [segment]
    best_score: tuple[int, int, int] | None = None
    best_names: list[str] = []
    n = len(pieces)
    for mask in range(1 << (n - 1)):
        groups, current = [], ""
        for i, (piece, conj) in enumerate(pieces):
            current += piece
            if i == n - 1 or mask & (1 << i):
                groups.append(current.strip())
                current = ""
            else:
                current += conj
        names, unknown = [], 0
        for group in groups:
            resolved = _resolve_group(group, known)
            if resolved is None:
                unknown += 1
                names.append(group)
            else:
                names.extend(resolved)
        score = (unknown, -(len(groups) - unknown), len(groups))
        if best_score is None or score < best_score:
            best_score, best_names = score, names
    return best_names


def split_organisations(text: str, known) -> tuple[list[str], dict[str, str], list[str]]:
    """Split an organisation list as written into (names, notes by name, remarks).

    Splits on "," and ";" outside parentheses, then on "et"/"and"/"y" unless the words around
    them form a known name ("Cités et gouvernements locaux unis"). "X représenté par Y" is X with
    the note "représenté par Y"; phrases like "tous les membres du Comité exécutif" name no
    organisation and come back as remarks."""
    names, notes, remarks = [], {}, []
    text = (text or "").strip().rstrip(".").strip()
    for segment in split_outside_brackets(text, ",;", opening="([", closing=")]"):
        segment = re.sub(r"^(?:et|and|y)\s+", "", segment.strip(), flags=re.IGNORECASE).strip(" .")
        if not segment:
            continue
        if NOT_ORGANISATION_RE.match(_fold(segment)) and lookup_name(segment, known) is None:
            remarks.append(segment)
            continue
        note = ""
        if match := REPRESENTED_RE.search(_fold(segment)):
            head = segment[: match.start()].strip()
            if head:
                note = segment[match.start() :].strip()
                segment = head
        for name in _split_conjunctions(segment, known):
            if name not in names:
                names.append(name)
            if note:
                notes[name] = note[:300]
    return names, notes, remarks


# ---------------------------------------------------------------------------------------------
# The whole document


def parse_lines(
    lines: list[str], *, known, language: str | None = None, filename: str = "", today: datetime.date
) -> ParsedPlan:
    """Parse a document's lines (from `read.read_lines`). `known`: the normalized names of every
    organisation alias (a set, or a dict keyed by them), used to split organisation lists. A plan
    without priorities comes back empty: the caller says why that is an error."""
    language = language or detect_language(lines)
    parser = _Parser(lines)
    parser.run()
    for fld in parser.fields:
        names, notes, remarks = split_organisations(fld.text, known)
        owner = fld.owner
        if fld.role == LEAD:
            target = owner.leads
        elif fld.role == PARTICIPANT:
            target = owner.participants
        elif isinstance(owner, ParsedPriority):
            target = owner.observers
        else:
            raise ValueError(f"an activity has no {fld.role} list")
        target.extend(n for n in names if n not in target)
        fld.owner.remarks.extend(remarks)
        if isinstance(fld.owner, ParsedPriority):
            fld.owner.org_notes.update(notes)

    title, titles = _plan_titles(parser.title_line, language)
    years = [int(y) for m in PLAN_YEARS_RE.finditer(parser.title_line) for y in m.groups() if y]
    if not years:
        years = [
            int(y)
            for p in parser.priorities
            for a in p.activities
            for y in re.findall(r"\b(20\d\d)\b", " ".join(a.deadline_lines))
        ] or [today.year]
    start, end = min(years), max(years)
    if not title:
        stem = PurePath(filename or "work plan").stem.replace("_", " ").replace("-", " ").strip()
        title = stem[:1].upper() + stem[1:]
        titles = {language: title}
    return ParsedPlan(
        title=title,
        titles=titles,
        source_language=language,
        as_of=parser.as_of[:100],
        period_start=datetime.date(start, 1, 1),
        period_end=datetime.date(end, 12, 31),
        priorities=parser.priorities,
        filename=filename,
    )
