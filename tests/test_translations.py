"""Every user-facing string is translated into each language of `settings.LANGUAGES` (the source
strings are English): the committed PO files are complete, and re-extracting the strings from the
code finds nothing they lack."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
LANGS = tuple(code for code, _name in settings.LANGUAGES if code != "en")
DOMAINS = ("django",)


def _problems(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_it_has_complete_committed_translations(lang):
    for domain in DOMAINS:
        path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
        assert path.exists(), f"{path} is missing: run `make messages` and translate"
        problems = _problems(polib.pofile(str(path)))
        assert not problems, f"{path}: " + "; ".join(problems[:40])


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by make test")
def test_it_finds_no_string_missing_from_the_po_files(tmp_path, monkeypatch):
    """Run makemessages over a copy of the code and locale/, then check the merged files are
    still complete (the working tree is never touched)."""
    shutil.copytree(ROOT / "gcmhub", tmp_path / "gcmhub", ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=list(LANGS), no_location=True, verbosity=0)
    for lang in LANGS:
        po = polib.pofile(str(tmp_path / "locale" / lang / "LC_MESSAGES" / "django.po"))
        problems = _problems(po)
        assert not problems, f"strings not in locale/{lang} (run `make messages` and translate): " + "; ".join(
            problems[:40]
        )


@pytest.mark.parametrize("lang", LANGS)
def test_it_compiles_the_po_files(lang):
    path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
