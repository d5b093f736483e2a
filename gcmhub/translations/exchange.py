"""Segments out to outside translators and back: XLIFF 2.0 and PO (decision 1304).

An export writes what is left to translate into one language, each segment with its source text
in one source language, and is recorded (`TranslationExport`) with the state of each segment's
translation then. The file carries the export's id. An import reads a file back and checks each
segment against what is here now: the file must be an XLIFF 2.0 or PO file from an export of this
platform, for this language; a segment is applied only if its source text is still the one the
translator saw, its translation here was not changed since the export, and it fits the field.
Nothing is applied from a file with refused segments unless the importer chooses so; what is
applied is applied in one transaction.
"""

import io
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

import polib
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.translations.actions import text_fingerprint, write_translations
from gcmhub.translations.models import TranslationExport
from gcmhub.translations.permissions import translatable
from gcmhub.translations.registry import Kind, kind_of
from gcmhub.translations.status import MISSING, STALE, Segment, fingerprint, segments

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_SEGMENTS = 20_000
SEGMENT_ID_RE = re.compile(r"^([a-z_]+\.[a-z_]+)/(\d{1,18})/([a-z_]{1,60})$")
# XML 1.0 cannot carry these characters at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

EXPORT_STATES = (MISSING, STALE)
FORMATS = {"xliff": ("xlf", "application/xliff+xml"), "po": ("po", "text/x-gettext-translation")}


class ExchangeError(Exception):
    """The file as a whole cannot be imported: nothing from it is applied."""


# ---------------------------------------------------------------------------------------------
# Export


@dataclass
class ExportItem:
    segment: Segment
    source: str  # the text in the export's source language
    label: str
    url: str


def exportable(user, kinds: list[Kind], language: str, source_language: str | None = None, states=EXPORT_STATES):
    """(items with a text in `source_language` (none without it), Counter of the segments to do
    by the languages they have a text in) — the second tells which source language would carry
    how many."""
    items: list[ExportItem] = []
    by_source: Counter = Counter()
    for kind in kinds:
        queryset = translatable(kind, user)
        found = [s for s in segments(kind, queryset, [language]) if s.state in states]
        if not found:
            continue
        pks = {s.pk for s in found}
        objects = kind.with_labels(kind.model._default_manager.filter(pk__in=pks)).order_by().in_bulk()
        for segment in found:
            obj = objects.get(segment.pk)
            if obj is None:
                continue
            texts = {code: getattr(obj, f"{segment.field}_{code}", "") or "" for code in LANGUAGE_CODES}
            for code, text in texts.items():
                if text.strip() and code != language:
                    by_source[code] += 1
            source = texts.get(source_language, "") if source_language else ""
            if source.strip():
                url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
                items.append(ExportItem(segment, source, f"{kind.label}: {obj}", url))
    return items, by_source


def export(user, kinds: list[Kind], language: str, source_language: str, fmt: str, states=EXPORT_STATES):
    """(filename, content type, bytes) of a new export, recorded."""
    items, _by_source = exportable(user, kinds, language, source_language, states)
    record = TranslationExport.objects.create(
        language=language,
        source_language=source_language,
        by=user if user.is_authenticated else None,
        segments={item.segment.id: text_fingerprint(item.segment.text) for item in items},
    )
    extension, content_type = FORMATS[fmt]
    data = _write_xliff(record, items) if fmt == "xliff" else _write_po(record, items)
    stamp = timezone.localtime(record.at).strftime("%Y%m%d-%H%M")
    return f"gcmhub-{source_language}-{language}-{stamp}.{extension}", content_type, data


def _xml_text(text: str) -> str:
    return xml_escape(_NOT_XML.sub("", text))


def _write_xliff(record: TranslationExport, items: list[ExportItem]) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<xliff xmlns="{XLIFF_NS}" version="2.0" srcLang="{record.source_language}" trgLang="{record.language}">\n'
    )
    out.write(f'  <file id="{record.pk}" xml:space="preserve">\n')
    for item in items:
        segment = item.segment
        out.write(f'    <unit id="{_xml_text(segment.id)}" name="{_xml_text(item.label)}">\n')
        out.write("      <notes>\n")
        out.write(f'        <note category="state">{_xml_text(segment.state)}</note>\n')
        if item.url:
            out.write(f'        <note category="location">{_xml_text(item.url)}</note>\n')
        if segment.max_length:
            out.write(f'        <note category="max-length">{segment.max_length}</note>\n')
        out.write("      </notes>\n")
        state = "initial"
        out.write(f'      <segment state="{state}">\n')
        out.write(f"        <source>{_xml_text(item.source)}</source>\n")
        if segment.text.strip():  # source changed since: the old translation, to revise
            out.write(f"        <target>{_xml_text(segment.text)}</target>\n")
        out.write("      </segment>\n")
        out.write("    </unit>\n")
    out.write("  </file>\n</xliff>\n")
    return out.getvalue().encode()


def _write_po(record: TranslationExport, items: list[ExportItem]) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "gcmhub content",
        "Language": record.language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Gcmhub-Export": str(record.pk),
        "X-Gcmhub-Source-Language": record.source_language,
    }
    for item in items:
        segment = item.segment
        entry = polib.POEntry(
            msgctxt=segment.id,
            msgid=strip_controls(item.source),
            msgstr=strip_controls(segment.text) if segment.text.strip() else "",
            comment=f"{item.label}" + (f"\n{item.url}" if item.url else ""),
        )
        if segment.text.strip():
            entry.flags.append("fuzzy")  # the source changed: the old translation, to revise
        if segment.max_length:
            entry.tcomment = f"max-length: {segment.max_length}"
        po.append(entry)
    return str(po).encode()


# ---------------------------------------------------------------------------------------------
# Import

APPLIED = "applied"
TO_APPLY = "to_apply"
UNCHANGED = "unchanged"
EMPTY = "empty"
SOURCE_CHANGED = "source_changed"
CHANGED_HERE = "changed_here"
UNKNOWN = "unknown"
TOO_LONG = "too_long"
NOT_YOURS = "not_yours"
DUPLICATE = "duplicate"
REFUSED = {SOURCE_CHANGED, CHANGED_HERE, UNKNOWN, TOO_LONG, NOT_YOURS, DUPLICATE}
OUTCOME_LABELS = {
    APPLIED: gettext_lazy("applied"),
    TO_APPLY: gettext_lazy("can be applied"),
    UNCHANGED: gettext_lazy("unchanged: the same text is here already"),
    EMPTY: gettext_lazy("empty or not final: skipped"),
    SOURCE_CHANGED: gettext_lazy("refused: the source text changed since the export"),
    CHANGED_HERE: gettext_lazy("refused: the translation here changed since the export"),
    UNKNOWN: gettext_lazy("refused: unknown segment"),
    TOO_LONG: gettext_lazy("refused: too long"),
    NOT_YOURS: gettext_lazy("refused: not yours to translate"),
    DUPLICATE: gettext_lazy("refused: the same segment twice in the file"),
}


@dataclass
class FileSegment:
    id: str
    source: str
    target: str
    final: bool = True  # False: a PO entry marked fuzzy
    outcome: str = ""
    message: str = ""
    label: str = ""
    url: str = ""
    # what applying needs
    kind: Kind | None = None
    pk: int | None = None
    field: str = ""

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))

    @property
    def refused(self) -> bool:
        return self.outcome in REFUSED


@dataclass
class ImportReport:
    format: str
    language: str
    source_language: str
    export: TranslationExport | None
    segments: list[FileSegment] = field(default_factory=list)
    applied: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(s.outcome for s in self.segments)

    @property
    def refused(self) -> list[FileSegment]:
        return [s for s in self.segments if s.refused]

    @property
    def applicable(self) -> list[FileSegment]:
        return [s for s in self.segments if s.outcome in (TO_APPLY, APPLIED)]


def _language_name(code: str) -> str:
    return language_name(code, in_sentence=True) if code in LANGUAGE_CODES else code


def read_file(data: bytes, language: str) -> tuple[str, str, str, list[FileSegment]]:
    """(format, export id, source language, segments) of an uploaded file. Raises ExchangeError
    with a message for a file that is neither, or is for another language."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ExchangeError(_("This file is larger than 10 MB: split the export into smaller ones."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExchangeError(
            _("This file is not text encoded in UTF-8: it is neither an XLIFF nor a PO file.")
        ) from None
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return _read_xliff(data, language)
    if "msgid" in text:
        return _read_po(text, language)
    raise ExchangeError(_("This file is neither an XLIFF 2.0 file nor a PO file exported from this platform."))


def _check_language(found: str, language: str) -> None:
    if (found or "").lower().split("-")[0] != language:
        raise ExchangeError(
            _("This file is a translation into %(found)s; you are importing translations into %(language)s.")
            % {"found": _language_name((found or "?").lower().split("-")[0]), "language": _language_name(language)}
        )


def _read_xliff(data: bytes, language: str):
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except ET.ParseError as error:
        raise ExchangeError(_("This XML file cannot be read (%(error)s).") % {"error": error}) from None
    except DefusedXmlException:
        raise ExchangeError(_("This XML file declares entities or a DTD, which are refused.")) from None
    if root.tag == "xliff" or root.tag.endswith("}xliff") and not root.tag.startswith("{" + XLIFF_NS):
        version = root.get("version", "?")
        raise ExchangeError(
            _("This is an XLIFF %(version)s file; the platform reads XLIFF 2.0, as it exports.") % {"version": version}
        )
    if root.tag != f"{{{XLIFF_NS}}}xliff":
        raise ExchangeError(_("This XML file is not an XLIFF 2.0 file."))
    _check_language(root.get("trgLang", ""), language)
    files = root.findall(f"{{{XLIFF_NS}}}file")
    if len(files) != 1:
        raise ExchangeError(
            _("This XLIFF file has %(count)s <file> elements; an export has one.") % {"count": len(files)}
        )
    export_id = files[0].get("id", "")
    found: list[FileSegment] = []
    for unit in files[0].iter(f"{{{XLIFF_NS}}}unit"):
        parts = unit.findall(f"{{{XLIFF_NS}}}segment")
        source = "".join(
            "".join(p.find(f"{{{XLIFF_NS}}}source").itertext())
            for p in parts
            if p.find(f"{{{XLIFF_NS}}}source") is not None
        )
        target = "".join(
            "".join(t.itertext()) for t in (p.find(f"{{{XLIFF_NS}}}target") for p in parts) if t is not None
        )
        found.append(FileSegment(unit.get("id", ""), source, target))
        if len(found) > MAX_SEGMENTS:
            raise ExchangeError(_("This file has more than %(count)s segments.") % {"count": MAX_SEGMENTS})
    return "xliff", export_id, (root.get("srcLang", "") or "").lower().split("-")[0], found


def _read_po(text: str, language: str):
    try:
        po = polib.pofile(text)
    except (OSError, ValueError) as error:
        raise ExchangeError(_("This PO file cannot be read (%(error)s).") % {"error": error}) from None
    export_id = po.metadata.get("X-Gcmhub-Export", "")
    if not export_id:
        raise ExchangeError(_("This PO file was not exported from this platform (it has no X-Gcmhub-Export header)."))
    _check_language(po.metadata.get("Language", ""), language)
    if len(po) > MAX_SEGMENTS:
        raise ExchangeError(_("This file has more than %(count)s segments.") % {"count": MAX_SEGMENTS})
    found = [
        FileSegment(entry.msgctxt or "", entry.msgid, entry.msgstr, final="fuzzy" not in entry.flags)
        for entry in po
        if not entry.obsolete
    ]
    return "po", export_id, po.metadata.get("X-Gcmhub-Source-Language", "").lower(), found


def check(user, data: bytes, language: str) -> ImportReport:
    """Read a file and work out what each of its segments would do. Nothing is written."""
    fmt, export_id, source_language, found = read_file(data, language)
    try:
        record = TranslationExport.objects.get(pk=uuid.UUID(export_id))
    except (ValueError, TranslationExport.DoesNotExist):
        raise ExchangeError(
            _("This file does not answer an export of this platform (its export id “%(id)s” is unknown).")
            % {"id": export_id[:60]}
        ) from None
    if record.language != language:
        raise ExchangeError(
            _("This file answers an export into %(found)s, not into %(language)s.")
            % {"found": _language_name(record.language), "language": _language_name(language)}
        )
    if source_language and source_language != record.source_language:
        raise ExchangeError(_("This file's source language is not the one of its export."))
    report = ImportReport(fmt, language, record.source_language, record, found)
    _judge(user, report)
    return report


def _judge(user, report: ImportReport) -> None:
    seen: set[str] = set()
    # Group the segments by kind to load each kind's objects in one query.
    wanted: dict[Kind, set[int]] = {}
    for segment in report.segments:
        match = SEGMENT_ID_RE.match(segment.id)
        kind = kind_of(match.group(1)) if match else None
        if not match or kind is None or match.group(3) not in kind.fields:
            segment.outcome = UNKNOWN
            segment.message = _("No content of this platform has the id “%(id)s”.") % {"id": segment.id[:120]}
            continue
        segment.kind, segment.pk, segment.field = kind, int(match.group(2)), match.group(3)
        wanted.setdefault(kind, set()).add(segment.pk)
    objects: dict[str, dict] = {}
    allowed: dict[str, set] = {}
    for kind, pks in wanted.items():
        key = kind.key
        objects[key] = kind.with_labels(kind.model._default_manager.filter(pk__in=pks)).order_by().in_bulk()
        allowed[key] = set(translatable(kind, user).filter(pk__in=pks).values_list("pk", flat=True))
    language, source_language = report.language, report.source_language
    expected = report.export.segments if report.export else {}
    for segment in report.segments:
        if segment.outcome or segment.kind is None or segment.pk is None:
            continue
        obj = objects[segment.kind.key].get(segment.pk)
        if obj is None:
            segment.outcome = UNKNOWN
            segment.message = _("This content no longer exists.")
            continue
        segment.label = f"{segment.kind.label}: {obj}"
        segment.url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        if segment.id in seen:
            segment.outcome = DUPLICATE
            continue
        seen.add(segment.id)
        if segment.id not in expected:
            segment.outcome = UNKNOWN
            segment.message = _("This segment was not in the export this file answers.")
            continue
        if segment.pk not in allowed[segment.kind.key]:
            segment.outcome = NOT_YOURS
            continue
        target = strip_controls(segment.target).strip()
        if not target or not segment.final:
            segment.outcome = EMPTY
            continue
        current_source = getattr(obj, f"{segment.field}_{source_language}", "") or ""
        if fingerprint(current_source) != fingerprint(segment.source):
            segment.outcome = SOURCE_CHANGED
            segment.message = _("The source text now reads: %(text)s") % {"text": current_source[:300]}
            continue
        current = getattr(obj, f"{segment.field}_{language}", "") or ""
        if text_fingerprint(current) != expected[segment.id]:
            if fingerprint(current) == fingerprint(target):
                segment.outcome = UNCHANGED
            else:
                segment.outcome = CHANGED_HERE
                segment.message = _("The translation here now reads: %(text)s") % {"text": current[:300]}
            continue
        if current.strip() and fingerprint(current) == fingerprint(target):
            segment.outcome = UNCHANGED
            continue
        limit = segment.kind.column(segment.field, language).max_length
        if limit and len(target) > limit:
            segment.outcome = TOO_LONG
            segment.message = _("%(field)s: at most %(limit)s characters; this translation has %(length)s.") % {
                "field": segment.kind.column(segment.field, language).verbose_name,
                "limit": limit,
                "length": len(target),
            }
            continue
        segment.target = target
        segment.outcome = TO_APPLY


class ChangedDuringImport(Exception):
    pass


def apply(user, report: ImportReport, status: str) -> None:
    """Apply the segments that can be, in one transaction; each object's version goes up (an
    edit form opened before refuses its stale save)."""
    by_object: dict[tuple[Kind, int], list[FileSegment]] = {}
    for segment in report.applicable:
        if segment.kind is not None and segment.pk is not None:
            by_object.setdefault((segment.kind, segment.pk), []).append(segment)
    language = report.language
    with transaction.atomic():
        for (kind, pk), items in by_object.items():
            obj = kind.lock(pk)
            for segment in items:
                current = getattr(obj, f"{segment.field}_{language}", "") or ""
                expected = report.export.segments.get(segment.id, "") if report.export else ""
                if text_fingerprint(current) != expected:
                    raise ChangedDuringImport(segment.id)
            write_translations(obj, {s.field: s.target for s in items}, language, status=status, by=user)
        for segment in report.applicable:
            segment.outcome = APPLIED
    report.applied = True
