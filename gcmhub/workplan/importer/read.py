"""Step 1 of a work-plan import: the uploaded bytes → the document's text lines.

A .txt/.md file (UTF-8, or UTF-16 with its byte-order mark) or a .docx. What the file is, is read
from its bytes (`gcmhub.lib.filetypes.sniff`), never from its name alone: a DOCX named .txt, a PDF,
a web page or a program is refused with a message. A DOCX is a ZIP container, checked before it is
inflated (`gcmhub.lib.archives`); malformed ones are refused, never a server error. A document of
more than `IMPORT_MAX_ROWS` paragraphs is refused. Control characters are removed from every line
(`gcmhub.lib.cleantext`): they mean nothing in a work plan, and PostgreSQL refuses NUL.
"""

import io
import re
import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.archives import UnsafeArchive, check_zip
from gcmhub.lib.cleantext import clean_text
from gcmhub.lib.filetypes import sniff
from gcmhub.workplan.importer.errors import WorkPlanImportError
from gcmhub.workplan.importer.parse import BULLET_RE, NUMBERED_RE

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".docx")
TEXT_EXTENSIONS = (".txt", ".md", ".markdown")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Formats sniffed from text that may still be one (a few stray control characters: they are removed).
TEXT_FORMATS = ("text", "unknown")


def _too_many_paragraphs() -> WorkPlanImportError:
    return WorkPlanImportError(
        _("The document has more than %(max)s paragraphs: a work plan is far shorter. Is it the right file?")
        % {"max": settings.IMPORT_MAX_ROWS}
    )


def read_lines(data: bytes, filename: str) -> list[str]:
    """The document's paragraphs as cleaned text lines; numbered DOCX list items come out as
    "#. text" (their number is counted by the parser), bullets as "- text"."""
    if not data:
        raise WorkPlanImportError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkPlanImportError(_("The file is too large (10 MB at most)."))
    suffix = PurePath(filename or "").suffix.lower()
    found = sniff(io.BytesIO(data))
    if found == "pdf" or suffix == ".pdf":
        raise WorkPlanImportError(
            _("PDF files cannot be imported. Save the document as DOCX or plain text and upload that.")
        )
    if suffix and suffix not in SUPPORTED_EXTENSIONS:
        raise WorkPlanImportError(_("Unsupported file type: upload a .txt, .md or .docx file."))
    if suffix == ".docx" or (not suffix and found == "docx"):
        if found != "docx":
            raise WorkPlanImportError(_("This file is not a valid DOCX document."))
        return [clean_line(line) for line in _docx_lines(data)]
    if found == "docx":
        raise WorkPlanImportError(
            _(
                "This file is a Word document (DOCX) but its name ends in “%(suffix)s”: rename it so that its name ends in “.docx”."
            )
            % {"suffix": suffix}
        )
    if found == "html":
        raise WorkPlanImportError(_("This file holds web-page markup (HTML), not the text of a work plan."))
    if found not in TEXT_FORMATS:
        raise WorkPlanImportError(_("This file is not a text document."))
    lines = _decode(data).splitlines()
    if sum(1 for line in lines if line.strip()) > settings.IMPORT_MAX_ROWS:
        raise _too_many_paragraphs()
    return [clean_line(line) for line in lines]


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Notepad's "Unicode")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise WorkPlanImportError(_("This file is not a readable text document.")) from None
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
    try:
        check_zip(data)
    except UnsafeArchive as exc:
        raise WorkPlanImportError(exc.message) from exc
    try:
        return _read_docx(data)
    except WorkPlanImportError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a malformed file
        raise WorkPlanImportError(_("This file is not a valid DOCX document.")) from exc


def _read_docx(data: bytes) -> list[str]:
    import docx  # python-docx; imported here so text imports do not pay for it

    document = docx.Document(io.BytesIO(data))
    formats = _numbering_formats(document)
    lines, count = [], 0
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            lines.append("")
            continue
        count += 1
        if count > settings.IMPORT_MAX_ROWS:
            raise _too_many_paragraphs()
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
    """Strip control characters, Markdown and PDF-extraction artefacts from one line; keep the words."""
    line = clean_text(line, multiline=False)
    line = line.replace("\u00a0", " ").replace("\u202f", " ").replace("\t", " ")
    line = MD_LINK_RE.sub(r"\1", line)
    line = SUPERSCRIPT_RE.sub(lambda m: m.group(1) or m.group(2), line)  # "1^{er}", "2^e"
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    line = re.sub(r"^\s*[*+]\s+", "- ", line)  # Markdown bullets
    line = line.replace("**", "").replace("__", "").replace("*", "")
    line = re.sub(r"^\s*>\s?", "", line)
    return " ".join(line.split())
