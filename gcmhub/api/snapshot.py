"""The committed OpenAPI snapshot (gcmhub/api/openapi.json). Refresh it with `gcmhub api-snapshot`
(or `UPDATE_OPENAPI_SNAPSHOT=1 pytest gcmhub/api/tests/test_openapi.py`) after an intended change."""

import json
from pathlib import Path

from django.utils import translation

SNAPSHOT_PATH = Path(__file__).resolve().parent / "openapi.json"


def current_schema_text() -> str:
    from gcmhub.api.main import api

    with translation.override("en"):
        schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, default=str) + "\n"


def committed_schema_text() -> str:
    return SNAPSHOT_PATH.read_text(encoding="utf-8") if SNAPSHOT_PATH.exists() else ""


def write_snapshot() -> bool:
    """Write the current schema; True when the file changed."""
    text = current_schema_text()
    if text == committed_schema_text():
        return False
    SNAPSHOT_PATH.write_text(text, encoding="utf-8")
    return True
