"""Record the translations that exist already, as translated by a person (author and date
unknown), each with the fingerprint of its source text as it is now: from here on, a change of the
source marks them "source changed since"."""

import hashlib
import unicodedata

from django.conf import settings
from django.db import migrations
from django.utils import timezone

# The translated fields at the time of this migration (a snapshot: the models may change later).
FIELDS = {
    ("taxonomy", "objective"): ("short", "title"),
    ("taxonomy", "guidingprinciple"): ("name",),
    ("taxonomy", "thematicarea"): ("name",),
    ("taxonomy", "region"): ("name",),
    ("taxonomy", "country"): ("name", "note"),
    ("taxonomy", "organisation"): ("name", "acronym"),
    ("workplan", "workplan"): ("title",),
    ("workplan", "priority"): ("title",),
    ("workplan", "activity"): ("text",),
    ("knowledge", "resource"): ("title", "summary"),
    ("knowledge", "callforpractices"): ("title", "rationale", "eligibility", "criteria"),
}


def _fingerprint(text):
    normal = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").strip())
    return hashlib.sha256(normal.encode()).hexdigest()[:16]


def baseline(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    TranslationState = apps.get_model("translations", "TranslationState")
    codes = [code for code, _name in settings.LANGUAGES]
    now = timezone.now()
    rows = []
    for (app_label, model_name), fields in FIELDS.items():
        model = apps.get_model(app_label, model_name)
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
        has_source = any(f.name == "source_language" for f in model._meta.concrete_fields)
        for obj in model.objects.all().iterator():
            declared = (obj.source_language if has_source else "en") or "en"
            for field in fields:
                texts = {code: getattr(obj, f"{field}_{code}", "") or "" for code in codes}
                source_language = declared if texts.get(declared, "").strip() else None
                if source_language is None:
                    source_language = next((code for code in codes if texts[code].strip()), declared)
                source = texts.get(source_language, "")
                for code, text in texts.items():
                    if code == source_language or not text.strip():
                        continue
                    rows.append(
                        TranslationState(
                            content_type_id=content_type.pk,
                            object_id=obj.pk,
                            field=field,
                            language=code,
                            status="human",
                            source_fingerprint=_fingerprint(source),
                            text_fingerprint=_fingerprint(text),
                            at=now,
                        )
                    )
    TranslationState.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("translations", "0001_initial"),
        ("taxonomy", "0005_country_name_ar_country_note_ar_and_more"),
        ("workplan", "0007_activity_text_ar_priority_title_ar_workplan_title_ar_and_more"),
        ("knowledge", "0006_callforpractices_criteria_ar_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
