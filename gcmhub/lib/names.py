"""Comparing names as people write them (plain Python: parsers and importers use it without Django)."""

import unicodedata


def normalize_name(text: str) -> str:
    """Fold case, accents, punctuation and spacing so 'ONU-Femmes' == 'onu femmes'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").lower()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())
