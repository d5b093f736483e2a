"""Load the glossary file into the database (`gcmhub load_glossary`; see data/GLOSSARY.md).

A concept of the file is created when missing and updated when its terms changed, unless it was
edited in the CMS since (`edited_in_cms`): the Secretariat's edit is kept unless `force` is given.
Terms in a language the file has no column for (added in the CMS) are kept in any case. Nothing is
deleted: a concept dropped from the file, or added in the CMS, stays. A row is rejected, with its
reason, when it is malformed (see `read_glossary_file`) or when one of its terms is already a term
of a concept this load does not replace (one edited in the CMS, or only in the database).
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from gcmhub.search.glossary import (
    DATA_FILE,
    GlossaryRow,
    RejectedRow,
    file_languages,
    fold_term,
    invalidate,
    read_glossary_file,
    term_problems,
)
from gcmhub.search.models import GlossaryConcept


@dataclass
class GlossaryLoad:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the CMS, left as they are
    rejected: list[RejectedRow] = field(default_factory=list)


def _taken_by(concepts) -> dict[tuple, str]:
    return {
        (language, fold_term(term)): concept.concept
        for concept in concepts
        for language, terms in (concept.terms or {}).items()
        for term in terms
    }


def _rows_to_apply(
    rows: list[GlossaryRow], existing: dict[str, GlossaryConcept], force: bool
) -> tuple[list[GlossaryRow], list[RejectedRow]]:
    """The rows this load applies, and those whose terms clash with a concept it leaves as it is.

    A row rejected here leaves its concept as it is too, so its terms may clash with another row:
    repeated until nothing more is rejected."""
    accepted, rejected = list(rows), []
    while True:
        replaced = {
            row.concept for row in accepted if row.concept not in existing or not _kept(existing[row.concept], force)
        }
        taken = _taken_by(concept for slug, concept in existing.items() if slug not in replaced)
        clashing = []
        for row in accepted:
            if row.concept not in replaced:
                continue
            problems = term_problems(row.concept, row.terms, (), taken)
            if problems:
                clashing.append(row)
                rejected.append(RejectedRow(row.line, row.concept, "; ".join(problems)))
        if not clashing:
            return accepted, rejected
        accepted = [row for row in accepted if row not in clashing]


def _kept(concept: GlossaryConcept, force: bool) -> bool:
    return concept.edited_in_cms and not force


def load_glossary(path: Path = DATA_FILE, force: bool = False) -> GlossaryLoad:
    """Create and update the concepts of the file at `path` (see the module docstring)."""
    rows, rejected = read_glossary_file(path)
    languages = file_languages(path)
    result = GlossaryLoad(rejected=rejected)
    now = timezone.now()
    with transaction.atomic():
        existing = {concept.concept: concept for concept in GlossaryConcept.objects.select_for_update()}
        accepted, clashing = _rows_to_apply(rows, existing, force)
        result.rejected += clashing
        to_create, to_update = [], []
        for row in accepted:
            terms = {language: list(written) for language, written in row.terms.items() if written}
            concept = existing.get(row.concept)
            if concept is None:
                to_create.append(GlossaryConcept(concept=row.concept, terms=terms))
                result.created.append(row.concept)
                continue
            if _kept(concept, force):
                result.kept.append(row.concept)
                continue
            # Terms in a language the file has no column for were added in the CMS: keep them.
            others = {language: list(t) for language, t in (concept.terms or {}).items() if language not in languages}
            terms = {**others, **terms}
            if terms == concept.terms and not concept.edited_in_cms:
                result.unchanged.append(row.concept)
                continue
            concept.terms, concept.edited_in_cms, concept.updated_at = terms, False, now
            concept.version = F("version") + 1  # an edit form opened before refuses its save
            to_update.append(concept)
            result.updated.append(row.concept)
        GlossaryConcept.objects.bulk_create(to_create)
        GlossaryConcept.objects.bulk_update(to_update, ["terms", "edited_in_cms", "updated_at", "version"])
        transaction.on_commit(invalidate)
    invalidate()
    result.rejected.sort(key=lambda row: row.line)
    return result


def describe(result: GlossaryLoad) -> list[str]:
    """What a load did, line by line, for the command's output."""
    lines = [
        gettext(
            "Glossary: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(kept)s kept as edited in the CMS, %(rejected)s rejected."
        )
        % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "kept": len(result.kept),
            "rejected": len(result.rejected),
        }
    ]
    if result.kept:
        lines.append(
            gettext("Kept as edited in the CMS (load with --force to replace them): %(concepts)s")
            % {"concepts": ", ".join(result.kept)}
        )
    lines += [gettext("Rejected %(row)s") % {"row": row} for row in result.rejected]
    return lines
