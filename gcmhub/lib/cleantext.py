"""Text from untrusted files, made safe to store: control characters that mean nothing in text go.

Imported files (spreadsheets exported from older systems, documents converted from PDF) carry
stray control characters: a NUL from a bad encoding, Excel's vertical tab for a line break inside a
cell, a bell, a form feed. They carry no meaning, PostgreSQL refuses NUL in text, and lone
surrogates (possible in JSON: "\\ud800") cannot be encoded by either database. `clean_text` removes
them; line breaks and tabs stay where the field is multi-line, and become spaces where it is not.

`strip_controls` is the lighter rule for what people type and what we write out (requests, the
tabular writer, feeds): C0 controls go, a vertical tab or form feed becomes a line break, and what
cannot be encoded becomes U+FFFD, so the text stays what was typed. Both live here so that there
is one list of characters that have no place in text. Plain Python.
"""

import re

# C0 controls but tab, line feed, vertical tab, form feed and carriage return (handled as breaks);
# DEL and the C1 controls; UTF-16 surrogates (only lone ones reach a Python str).
_REMOVED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # every way of writing a line break
_SPACES = re.compile("[\t\n]+")


# For `strip_controls`: C0 controls but tab, LF and CR; VT and FF (Word's manual line break)
# become LF; unpaired surrogates and the non-characters U+FFFE/U+FFFF become U+FFFD.
_TYPED_LINE_BREAKS = re.compile("[\x0b\x0c]")
_TYPED_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")
_NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")
_TYPED_ANY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def has_controls(text: str) -> bool:
    """True when `strip_controls(text)` would change `text`."""
    return _TYPED_ANY.search(text) is not None


def strip_controls(text: str) -> str:
    """`text` without NUL and other C0 controls (tab, LF and CR stay; VT and FF become LF), with
    unpaired surrogates and non-characters replaced by U+FFFD."""
    if not _TYPED_ANY.search(text):
        return text
    text = _TYPED_LINE_BREAKS.sub("\n", text)
    text = _TYPED_CONTROLS.sub("", text)
    return _NOT_CHARACTERS.sub("\ufffd", text)


def has_control_characters(text: str) -> bool:
    """Whether `clean_text(text, multiline=True)` would change more than line-break spelling."""
    return bool(_REMOVED.search(text))


def clean_text(text: str, *, multiline: bool = True) -> str:
    """`text` without control characters: line breaks become "\\n" (a space when not `multiline`),
    tabs stay in multi-line text (a space otherwise); everything else in C0/C1, DEL and lone
    surrogates is removed."""
    text = _BREAKS.sub("\n", text)
    text = _REMOVED.sub("", text)
    if not multiline:
        text = _SPACES.sub(" ", text)
    return text
