"""The Network's work plan 2021–2022 as the demo and the browser journeys load it: the French
document (the plan's source), then its English and Spanish versions attached as translations.

The English and Spanish documents were written for this project from the French one (not the
UN's own published versions): they are recorded as suggested translations, to review, and show
as such in the translation workspace until a person reviews them.
"""

from pathlib import Path

from gcmhub.workplan.models import WorkPlan

DATA = Path(__file__).resolve().parent / "data"
SOURCE = DATA / "workplan-2021-2022-fr.txt"
TRANSLATIONS = {"en": DATA / "workplan-2021-2022-en.txt", "es": DATA / "workplan-2021-2022-es.txt"}
TRANSLATION_STATUS = "suggested"


def load_seed_plan(*, translations: bool = True) -> WorkPlan:
    """Import the seed plan (updating it if it is there), make it current, attach its English and
    Spanish texts. Safe to run again."""
    from gcmhub.workplan.importer import do_import_workplan, parse_document
    from gcmhub.workplan.importer.translations import attach, match

    data = SOURCE.read_bytes()
    plan = do_import_workplan(parse_document(data, SOURCE.name), filename=SOURCE.name, data=data).plan
    if not plan.is_current:
        plan.is_current = True
        plan.save(update_fields=["is_current"])
    if translations:
        for path in TRANSLATIONS.values():
            parsed = parse_document(path.read_bytes(), path.name)
            attach(parsed, match(parsed, plan), status=TRANSLATION_STATUS)
    plan.refresh_from_db()
    return plan
