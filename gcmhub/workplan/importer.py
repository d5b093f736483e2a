"""Import a work-plan document (text, Markdown or DOCX; French, English or Spanish).

Three steps, each usable alone:

1. `parse_document(data, filename)` reads the layout the Network's work plans share (priority
   headings, "Activités :" with numbered activities, "Échéance :" lines, lead/participating
   organisations, GCM objectives, thematic area) into plain dataclasses. Nothing is saved.
2. `resolve(parsed)` names the Organisation behind every organisation as written, lists the
   unknown ones and parses every deadline.
3. `do_import_workplan(parsed, mapping=...)` creates or updates the plan in one transaction.

The keyword tables cover the three languages; the parser is written for the layout, not for one
file, and tolerates the artefacts of PDF extraction (wrapped lines, stray blank lines and
indentation, "[Échéance : ...](#)" links, a lone "-").
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.changes import announce_changes
from gcmhub.taxonomy.models import Objective, Organisation, OrganisationAlias, ThematicArea, normalize_name
from gcmhub.workplan.deadlines import ParsedDeadline, parse_deadline, split_outside_brackets
from gcmhub.workplan.models import (
    Activity,
    ActivityOrganisation,
    ActivityPeriod,
    ImportRun,
    Involvement,
    Priority,
    PriorityOrganisation,
    StatusUpdate,
    WorkPlan,
)

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".docx")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
NEW = "new"


class WorkPlanImportError(Exception):
    """The document cannot be imported; `message` is translated and safe to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


ImportError_ = WorkPlanImportError


class UnknownOrganisationsError(WorkPlanImportError):
    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            gettext("Map or create these organisations before importing: %(names)s") % {"names": "; ".join(names)}
        )


# ---------------------------------------------------------------------------------------------
# Parsed document


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

    @property
    def slug(self) -> str:
        if self.kind == Priority.Kind.CORE:
            return f"core-{slugify(self.code.replace('.', '-'))}"
        if self.kind == Priority.Kind.THEMATIC:
            return f"thematic-{slugify(self.code.replace('.', '-'))}"
        slug = slugify(self.title)
        if len(slug) > 60:
            slug = slug[:60].rsplit("-", 1)[0]
        return slug or "working-group"

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
# Reading the file into lines


def read_lines(data: bytes, filename: str) -> list[str]:
    """The document's paragraphs as cleaned text lines; numbered DOCX list items come out as
    "#. text" (their number is counted by the parser), bullets as "- text"."""
    if not data:
        raise WorkPlanImportError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkPlanImportError(_("The file is too large (10 MB at most)."))
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        raise WorkPlanImportError(
            _("PDF files cannot be imported. Save the document as DOCX or plain text and upload that.")
        )
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        return [clean_line(line) for line in _docx_lines(data)]
    if suffix and suffix not in SUPPORTED_EXTENSIONS:
        raise WorkPlanImportError(_("Unsupported file type: upload a .txt, .md or .docx file."))
    text = _decode(data)
    return [clean_line(line) for line in text.splitlines()]


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise WorkPlanImportError(_("This file is not a text document."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkPlanImportError(_("This file is not a UTF-8 text document.")) from None
    controls = sum(1 for c in text[:10000] if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
    if controls > 10:
        raise WorkPlanImportError(_("This file is not a text document."))
    return text


def _docx_lines(data: bytes) -> list[str]:
    import docx  # python-docx; imported here so text imports do not pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkPlanImportError(_("This file is not a valid DOCX document.")) from exc
    formats = _numbering_formats(document)
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            lines.append("")
            continue
        kind = _list_kind(paragraph, formats)
        if kind == "number" and not NUMBERED_RE.match(text):
            text = f"#. {text}"
        elif kind == "bullet" and not BULLET_RE.match(text):
            text = f"- {text}"
        lines.append(text)
    return lines


def _numbering_formats(document) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> numFmt ("decimal", "bullet"...) from the numbering part, if any."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    abstract = {}
    for node in numbering.findall(f"{w}abstractNum"):
        levels = {lvl.get(f"{w}ilvl"): lvl.find(f"{w}numFmt") for lvl in node.findall(f"{w}lvl")}
        abstract[node.get(f"{w}abstractNumId")] = {
            k: (v.get(f"{w}val") if v is not None else "") for k, v in levels.items()
        }
    formats = {}
    for num in numbering.findall(f"{w}num"):
        ref = num.find(f"{w}abstractNumId")
        if ref is None:
            continue
        for ilvl, fmt in abstract.get(ref.get(f"{w}val"), {}).items():
            formats[(num.get(f"{w}numId"), ilvl)] = fmt
    return formats


def _list_kind(paragraph, formats) -> str:
    """ "number", "bullet" or "" for a paragraph, from its own numbering or its style's."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    num_pr = None
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        num_pr = ppr.numPr
    style = paragraph.style
    while num_pr is None and style is not None:
        style_ppr = style.element.find(f"{w}pPr")
        if style_ppr is not None and style_ppr.find(f"{w}numPr") is not None:
            num_pr = style_ppr.find(f"{w}numPr")
        style = style.base_style
    style_name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if num_pr is not None:
        num_id = num_pr.find(f"{w}numId")
        ilvl = num_pr.find(f"{w}ilvl")
        key = (num_id.get(f"{w}val") if num_id is not None else None, ilvl.get(f"{w}val") if ilvl is not None else "0")
        fmt = formats.get(key)
        if fmt == "bullet":
            return "bullet"
        if fmt and fmt != "none":
            return "number"
    if "list number" in style_name:
        return "number"
    if "list bullet" in style_name or num_pr is not None:
        return "bullet"
    return ""


MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
SUPERSCRIPT_RE = re.compile(r"\^\{([^}]*)\}|\^([^\W\d_]+)")


def clean_line(line: str) -> str:
    """Strip Markdown and PDF-extraction artefacts from one line; keep the words."""
    line = line.replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " ")
    line = MD_LINK_RE.sub(r"\1", line)
    line = SUPERSCRIPT_RE.sub(lambda m: m.group(1) or m.group(2), line)  # "1^{er}", "2^e"
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    line = re.sub(r"^\s*[*+]\s+", "- ", line)  # Markdown bullets
    line = line.replace("**", "").replace("__", "").replace("*", "")
    line = re.sub(r"^\s*>\s?", "", line)
    return " ".join(line.split())


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

    owner: object
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
            return self.start_block(Priority.Kind.CORE, match.group(1), self.value(body, match, 2), index)
        if match := THEMATIC_RE.match(folded):
            return self.start_block(Priority.Kind.THEMATIC, match.group(1), self.value(body, match, 2), index)
        if match := WORKING_GROUP_RE.match(folded):
            return self.start_block(Priority.Kind.WORKING_GROUP, "", self.value(body, match, 1), index)

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
            if self.activity is None:
                self.new_activity(None, "")
            self.activity.deadline_lines.append(self.value(body, match))
            self.mode = "deadline"
            return
        if match := ACTIVITY_LEAD_RE.match(folded):
            return self.open_field(self.activity or self.block, Involvement.LEAD, self.value(body, match))
        if match := ACTIVITY_PARTICIPANT_RE.match(folded):
            return self.open_field(self.activity or self.block, Involvement.PARTICIPANT, self.value(body, match))
        if match := LEAD_RE.match(folded):
            return self.open_field(self.block, Involvement.LEAD, self.value(body, match))
        if match := PARTICIPANT_RE.match(folded):
            return self.open_field(self.block, Involvement.PARTICIPANT, self.value(body, match))
        if match := OBSERVER_RE.match(folded):
            return self.open_field(self.block, Involvement.OBSERVER, self.value(body, match))
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
            return self.new_activity(int(number), match.group(2))
        if bullet and in_activities and (self.activity is None or self.activity_has_details()):
            # An unnumbered activity written as a bullet after the previous one's deadline.
            return self.new_activity(None, body)

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

    def activity_has_details(self) -> bool:
        a = self.activity
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

    def new_activity(self, number: int | None, text: str) -> None:
        self.activity = ParsedActivity(number=number, text=text.strip())
        self.block.activities.append(self.activity)
        self.mode = "activity"

    def open_field(self, owner, role: str, text: str) -> None:
        self.finish_title()
        self.fields.append(_Field(owner=owner, role=role, text=text))
        self.mode = "activity_field" if isinstance(owner, ParsedActivity) else "field"

    def set_objectives(self, text: str) -> None:
        block = self.block
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


def parse_document(
    data: bytes, filename: str, *, language: str | None = None, known: set[str] | None = None
) -> ParsedPlan:
    """Read a work-plan document. Organisation lists are split with the help of the known
    names (`known`: normalized aliases, a set or the `alias_map()` dict; default: read from the
    database, one query)."""
    lines = read_lines(data, filename)
    language = language or detect_language(lines)
    parser = _Parser(lines)
    parser.run()
    if not parser.priorities:
        raise WorkPlanImportError(
            _(
                "No priority was found in this document. Is it a Network work plan (headings such as "
                "“Core priority 1”, “Activities:”, “Deadline:”)?"
            )
        )
    if known is None:
        known = set(OrganisationAlias.objects.order_by().values_list("normalized", flat=True))
    for fld in parser.fields:
        names, notes, remarks = split_organisations(fld.text, known)
        target = {
            Involvement.LEAD: fld.owner.leads,
            Involvement.PARTICIPANT: fld.owner.participants,
        }.get(fld.role)
        if target is None:
            target = fld.owner.observers
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
        ] or [timezone.localdate().year]
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


def _conjunction_pieces(text: str) -> list[str]:
    """Split on " et "/" and "/" y " outside parentheses, keeping the conjunctions."""
    pieces, last, depth = [], 0, 0
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
    best: tuple | None = None
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
        if best is None or score < best[0]:
            best = (score, names)
    return best[1]


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
# Resolution


@dataclass
class DeadlineResult:
    text: str
    parsed: ParsedDeadline | None

    @property
    def state(self) -> str:
        return deadline_state(self.text, self.parsed)


def deadline_state(text: str, parsed: ParsedDeadline | None) -> str:
    if not text.strip() or parsed is None:
        return Activity.DeadlineState.NONE
    if not parsed.ok:
        return Activity.DeadlineState.UNPARSED
    if parsed.year_inferred:
        return Activity.DeadlineState.INFERRED
    return Activity.DeadlineState.PARSED


@dataclass
class Resolution:
    organisations: dict[str, Organisation | None]
    deadlines: dict[tuple[int, int], DeadlineResult]
    existing_plan: WorkPlan | None

    @property
    def unknown(self) -> list[str]:
        return [name for name, org in self.organisations.items() if org is None]

    @property
    def unparsed(self) -> list[tuple[int, int]]:
        return [key for key, d in self.deadlines.items() if d.state == Activity.DeadlineState.UNPARSED]

    @property
    def inferred(self) -> list[tuple[int, int]]:
        return [key for key, d in self.deadlines.items() if d.state == Activity.DeadlineState.INFERRED]


def alias_map() -> dict[str, int]:
    """Normalized name -> organisation pk, for `parse_document(known=...)` and `resolve(aliases=...)`."""
    return dict(OrganisationAlias.objects.order_by().values_list("normalized", "organisation_id"))


def resolve(plan: ParsedPlan, *, aliases: dict[str, int] | None = None) -> Resolution:
    """Organisations and deadlines of a parsed plan; three queries whatever its size (two when
    `aliases` comes from `alias_map()`)."""
    aliases = alias_map() if aliases is None else aliases
    ids = {name: lookup_name(name, aliases) for name in plan.organisation_names()}
    orgs = Organisation.objects.in_bulk({i for i in ids.values() if i})
    deadlines = {}
    for p_index, priority in enumerate(plan.priorities):
        for a_index, activity in enumerate(priority.activities):
            text = activity.deadline_text
            parsed = parse_deadline(text, plan_start=plan.period_start, plan_end=plan.period_end) if text else None
            deadlines[(p_index, a_index)] = DeadlineResult(text=text, parsed=parsed)
    return Resolution(
        organisations={name: orgs.get(pk) if pk else None for name, pk in ids.items()},
        deadlines=deadlines,
        existing_plan=WorkPlan.objects.filter(slug=plan.slug).first(),
    )


# ---------------------------------------------------------------------------------------------
# Saving


@dataclass
class ImportResult:
    plan: WorkPlan
    created: bool
    run: ImportRun
    summary: dict


def _unique_org_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _apply_mapping(resolution: Resolution, mapping: dict, language: str) -> dict[str, Organisation]:
    """Every organisation name -> Organisation, creating or aliasing the unknown ones as mapped."""
    missing = [name for name in resolution.unknown if not mapping.get(name)]
    if missing:
        raise UnknownOrganisationsError(missing)
    orgs = {name: org for name, org in resolution.organisations.items() if org is not None}
    targets = Organisation.objects.in_bulk(
        {int(v) for name, v in mapping.items() if name in resolution.unknown and v != NEW}
    )
    for name in resolution.unknown:
        choice = mapping[name]
        if choice == NEW:
            org = Organisation(slug=_unique_org_slug(name), kind=Organisation.Kind.OTHER, name_en=name)
            setattr(org, f"name_{language}", name)
            org.save()
            org.sync_aliases()
        else:
            org = targets.get(int(choice))
            if org is None:
                raise WorkPlanImportError(
                    gettext("The organisation chosen for “%(name)s” no longer exists.") % {"name": name}
                )
        # Remember the spelling, so the next import of this document resolves it.
        key = normalize_name(name)
        if key and not OrganisationAlias.objects.filter(normalized=key).exists():
            OrganisationAlias.objects.create(organisation=org, alias=name[:300])
        orgs[name] = org
    return orgs


def apply_deadline(activity: Activity, text: str, parsed: ParsedDeadline | None) -> list[ActivityPeriod]:
    """Set the activity's deadline fields from `parsed` (not saved) and return its new periods."""
    activity.deadline_text = text
    activity.deadline_state = deadline_state(text, parsed)
    periods = list(parsed.periods) if parsed else []
    activity.ongoing = bool(parsed and parsed.ongoing)
    activity.start_date = min((p.start for p in periods), default=None)
    activity.due_date = max((p.end for p in periods), default=None)
    return [
        ActivityPeriod(
            activity=activity,
            order=i,
            start=p.start,
            end=p.end,
            label=(p.label or "")[:200],
            year_inferred=p.year_inferred,
        )
        for i, p in enumerate(periods)
    ]


DEADLINE_FIELDS = ["deadline_text", "deadline_state", "ongoing", "start_date", "due_date"]


PRIORITY_FIELDS = [
    "kind",
    "code",
    "order",
    "title_en",
    "title_fr",
    "title_es",
    "thematic_area",
    "all_objectives",
    "cross_cutting",
    "objectives_text",
]
ACTIVITY_FIELDS = ["number", "order", "text_en", "text_fr", "text_es", "other_participants", *DEADLINE_FIELDS]


def do_import_workplan(
    parsed: ParsedPlan, *, mapping: dict | None = None, user=None, filename: str = "", data: bytes = b""
) -> ImportResult:
    """Create or update the plan `parsed` describes (matched by slug), with its priorities,
    activities, periods and organisations. Status updates of existing activities are kept.

    Raises UnknownOrganisationsError when an unknown organisation is not in `mapping`
    (name -> organisation pk or "new"). Everything happens in one transaction. Rows are written
    in bulk (a fixed number of queries per plan), so no per-row save signals run."""
    mapping = mapping or {}
    language = parsed.source_language
    with transaction.atomic():
        resolution = resolve(parsed)
        orgs = _apply_mapping(resolution, mapping, language)
        plan, created = _save_plan(parsed, data, filename)
        priorities = _save_priorities(plan, parsed)
        _save_priority_links(parsed, priorities, orgs)
        activities, summary = _save_activities(parsed, priorities, resolution, orgs)

        # What the document no longer lists goes, unless someone reported on it.
        with_updates = Exists(StatusUpdate.objects.filter(activity=OuterRef("pk")))
        stale = Activity.objects.filter(priority__workplan=plan).exclude(pk__in=[a.pk for a in activities])
        kept_stale = list(stale.filter(with_updates).values_list("pk", flat=True))
        stale.exclude(pk__in=kept_stale).delete()
        plan.priorities.exclude(pk__in=[p.pk for p in priorities]).exclude(activities__pk__in=kept_stale).delete()

        summary = {
            "language": language,
            "plan": plan.slug,
            "priorities": len(priorities),
            **summary,
            "organisations": len({org.pk for org in orgs.values()}),
            "unknown_organisations": {name: mapping[name] for name in resolution.unknown},
            "kept_activities_with_updates": kept_stale,
        }
        run = ImportRun.objects.create(
            workplan=plan,
            filename=filename[:300],
            sha256=hashlib.sha256(data).hexdigest() if data else "",
            created_by=user if user is not None and user.is_authenticated else None,
            created=created,
            summary=summary,
        )
    return ImportResult(plan=plan, created=created, run=run, summary=summary)


def _save_plan(parsed: ParsedPlan, data: bytes, filename: str) -> tuple[WorkPlan, bool]:
    language = parsed.source_language
    plan = WorkPlan.objects.select_for_update().filter(slug=parsed.slug).first()
    created = plan is None
    if created:
        plan = WorkPlan(slug=parsed.slug, source_language=language)
    for lang, title in (parsed.titles or {language: parsed.title}).items():
        if created or lang == language or not getattr(plan, f"title_{lang}"):
            setattr(plan, f"title_{lang}", title[:300])
    plan.period_start, plan.period_end = parsed.period_start, parsed.period_end
    plan.as_of = parsed.as_of
    if data:
        plan.source_sha256 = hashlib.sha256(data).hexdigest()
        plan.source_document.save(PurePath(filename or "workplan.txt").name, ContentFile(data), save=False)
    if created and not WorkPlan.objects.filter(is_current=True).exists():
        plan.is_current = True
    plan.save()
    return plan, created


def _save_priorities(plan: WorkPlan, parsed: ParsedPlan) -> list[Priority]:
    """The plan's priorities in document order, matched by slug (working groups of a document in
    another language than the plan: by position among the working groups)."""
    language = parsed.source_language
    areas = {a.number: a for a in ThematicArea.objects.all()}
    existing = {p.slug: p for p in plan.priorities.order_by("order")}
    existing_groups = [p for p in existing.values() if p.kind == Priority.Kind.WORKING_GROUP]
    parsed_groups = [p for p in parsed.priorities if p.kind == Priority.Kind.WORKING_GROUP]
    taken = set(existing)
    result, new, old = [], [], []
    for index, block in enumerate(parsed.priorities):
        priority = existing.pop(block.slug, None)
        if priority is None and block.kind == Priority.Kind.WORKING_GROUP and language != plan.source_language:
            position = parsed_groups.index(block)
            if position < len(existing_groups) and existing_groups[position].slug in existing:
                priority = existing.pop(existing_groups[position].slug)
        if priority is None:
            slug, n = block.slug, 2
            while slug in taken:
                slug, n = f"{block.slug}-{n}", n + 1
            taken.add(slug)
            priority = Priority(workplan=plan, slug=slug, source_language=language)
            new.append(priority)
        else:
            old.append(priority)
        priority.kind, priority.code, priority.order = block.kind, block.code, index + 1
        setattr(priority, f"title_{language}", block.title)
        priority.thematic_area = areas.get(block.thematic_area) if block.thematic_area else None
        priority.all_objectives, priority.cross_cutting = block.all_objectives, block.cross_cutting
        priority.objectives_text = block.objectives_text[:300]
        result.append(priority)
    Priority.objects.bulk_create(new)
    Priority.objects.bulk_update(old, PRIORITY_FIELDS)
    return result


def _save_priority_links(parsed: ParsedPlan, priorities: list[Priority], orgs: dict) -> None:
    objectives = dict(Objective.objects.values_list("number", "pk"))
    through = Priority.objectives.through
    through.objects.filter(priority__in=priorities).delete()
    through.objects.bulk_create(
        [
            through(priority_id=priority.pk, objective_id=objectives[n])
            for priority, block in zip(priorities, parsed.priorities, strict=True)
            for n in block.objectives
            if n in objectives
        ]
    )
    PriorityOrganisation.objects.filter(priority__in=priorities).delete()
    PriorityOrganisation.objects.bulk_create(
        [
            row
            for priority, block in zip(priorities, parsed.priorities, strict=True)
            for row in _involvements(PriorityOrganisation, "priority", priority, block, orgs, with_notes=True)
        ]
    )


def _save_activities(parsed, priorities, resolution, orgs) -> tuple[list[Activity], dict]:
    language = parsed.source_language
    existing: dict[int, dict] = {}
    for activity in Activity.objects.filter(priority__in=priorities):
        key = activity.number if activity.number else f"o{activity.order}"
        existing.setdefault(activity.priority_id, {})[key] = activity
    result, items, new, old, periods, confirmed_ids = [], [], [], [], [], set()
    summary = {"unparsed_deadlines": [], "inferred_deadlines": [], "remarks": []}
    for p_index, (priority, block) in enumerate(zip(priorities, parsed.priorities, strict=True)):
        summary["remarks"] += [f"{priority.heading}: {r}" for r in block.remarks]
        current = existing.get(priority.pk, {})
        for a_index, item in enumerate(block.activities):
            order = a_index + 1
            activity = current.pop(item.number if item.number else f"o{order}", None)
            if activity is None:
                activity = Activity(priority=priority, source_language=language)
                new.append(activity)
            else:
                old.append(activity)
            activity.number, activity.order = item.number, order
            activity.other_participants = "; ".join(item.remarks)
            setattr(activity, f"text_{language}", item.text)
            deadline = resolution.deadlines[(p_index, a_index)]
            if (
                activity.pk
                and activity.deadline_state == Activity.DeadlineState.CONFIRMED
                and activity.deadline_text == deadline.text
            ):
                confirmed_ids.add(activity.pk)  # the Secretariat checked these periods: keep them
            else:
                periods += apply_deadline(activity, deadline.text, deadline.parsed)
            result.append(activity)
            items.append(item)
            label = f"{priority.heading} – {activity.label}"
            if deadline.state in (Activity.DeadlineState.UNPARSED, Activity.DeadlineState.INFERRED):
                summary[f"{deadline.state}_deadlines"].append({"activity": label, "text": deadline.text})
            summary["remarks"] += [f"{label}: {r}" for r in item.remarks]
    Activity.objects.bulk_create(new)
    Activity.objects.bulk_update(old, ACTIVITY_FIELDS)
    ActivityPeriod.objects.filter(activity__in=old).exclude(activity__in=confirmed_ids).delete()
    for period in periods:
        period.activity_id = period.activity.pk
    ActivityPeriod.objects.bulk_create(periods)
    ActivityOrganisation.objects.filter(activity__in=old).delete()
    ActivityOrganisation.objects.bulk_create(
        [
            row
            for activity, item in zip(result, items, strict=True)
            for row in _activity_involvements(activity, item, orgs)
        ]
    )
    summary.update(activities=len(result), created_activities=len(new), updated_activities=len(old))
    announce_changes(Activity, [activity.pk for activity in result])  # bulk writes send no signals
    return result, summary


def _involvements(model, owner_field: str, owner, block: ParsedPriority, orgs: dict, with_notes: bool = False) -> list:
    rows, seen = [], set()
    for role, names in (
        (Involvement.LEAD, block.leads),
        (Involvement.PARTICIPANT, block.participants),
        (Involvement.OBSERVER, block.observers),
    ):
        for order, name in enumerate(names):
            org = orgs[name]
            if (org.pk, role) in seen:
                continue
            seen.add((org.pk, role))
            row = model(**{owner_field: owner}, organisation=org, role=role, order=order)
            if with_notes:
                row.note = block.org_notes.get(name, "")[:300]
            rows.append(row)
    return rows


def _activity_involvements(activity: Activity, item: ParsedActivity, orgs: dict) -> list[ActivityOrganisation]:
    rows, seen = [], set()
    for role, names in ((Involvement.LEAD, item.leads), (Involvement.PARTICIPANT, item.participants)):
        for order, name in enumerate(names):
            org = orgs[name]
            if (org.pk, role) not in seen:
                seen.add((org.pk, role))
                rows.append(ActivityOrganisation(activity=activity, organisation=org, role=role, order=order))
    return rows
