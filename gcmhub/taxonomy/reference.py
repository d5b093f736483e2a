"""Load the GCM reference data shipped in `gcmhub/taxonomy/data/` into the database.

Objectives, guiding principles and thematic areas come from the JSON files beside this module.
Countries and areas are those of the UN M49 standard with their official names in English, French
and Spanish (`data/m49_names.csv`: the UN Statistics Division's table in each language, see
`data/SOURCES.md`), plus Kosovo, listed with the Security Council resolution 1244 note; names from
Unicode CLDR (Babel) and ISO 3166 (pycountry) are kept as other names, for imports and searches.
Taiwan is not listed (it is not in M49): a database that has it keeps it unlisted. Regions and
each country's region come from the M49 scheme as CLDR records it (`data/m49.json`, see build_m49.py).

Loading is idempotent. By default it creates what is missing and fills empty fields, so edits made
by the Secretariat in the CMS survive a reload; a country's name that is still the CLDR name an
earlier version shipped is replaced by the official one (it was never edited). `overwrite=True`
resets every field to the shipped value. It never removes a row nor an objective/thematic-area
mapping, and adds other names without removing any.
"""

import csv
import json
import logging
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Region, ThematicArea

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
LANGUAGES = LANGUAGE_CODES  # a language without official names here takes CLDR's

# Kosovo has no ISO 3166 code and is not in M49; CLDR and many UN data sets use the user-assigned
# XK, and UN documents list it with this note (the national-plans seed carries the French one).
EXTRA_TERRITORIES = ("XK",)
KOSOVO_NOTE = {
    "en": "References to Kosovo shall be understood to be in the context of United Nations Security Council "
    "resolution 1244 (1999).",
    "fr": "Toutes les références au Kosovo doivent être comprises dans le contexte de la résolution 1244 (1999) "
    "du Conseil de sécurité des Nations Unies.",
    "es": "Todas las referencias a Kosovo deben entenderse en el contexto de la resolución 1244 (1999) del "
    "Consejo de Seguridad de las Naciones Unidas.",
}
NOTES = {"XK": KOSOVO_NOTE}

# The official M49 names where CLDR's display names name something narrower: CLDR's "419" is
# "Latin America", M49's is "Latin America and the Caribbean" (it contains the Caribbean).
M49_NAMES = {
    "419": {
        "en": "Latin America and the Caribbean",
        "fr": "Amérique latine et Caraïbes",
        "es": "América Latina y el Caribe",
    },
}


def read_data(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def official_names() -> dict[str, dict[str, str]]:
    """{ISO alpha-2: {"m49", "iso3", *translated_names("name")}} of the M49 table."""
    with (DATA_DIR / "m49_names.csv").open(encoding="utf-8", newline="") as f:
        return {row["iso2"]: row for row in csv.DictReader(f)}


_M = TypeVar("_M", bound=models.Model)


def _upsert(model: type[_M], key: str, rows: list[dict], overwrite: bool) -> tuple[dict[Any, _M], int, int]:
    """Create missing rows and update existing ones in bulk; return ({key: obj}, created, updated)."""
    existing = {getattr(obj, key): obj for obj in model._default_manager.all()}
    to_create, to_update, fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = False
        for field, value in row.items():
            current = getattr(obj, field)
            if current == value or (current not in ("", None) and not overwrite):
                continue
            setattr(obj, field, value)
            fields.add(field)
            changed = True
        if changed:
            to_update.append(obj)
    if to_create:
        model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields))
    return {getattr(obj, key): obj for obj in model._default_manager.all()}, len(to_create), len(to_update)


def _capfirst(text: str) -> str:
    # CLDR writes French region names in lower case ("région micronésienne").
    return text[:1].upper() + text[1:]


def _territory_names() -> dict[str, dict[str, str]]:
    from babel import Locale

    return {lang: dict(Locale(lang).territories) for lang in LANGUAGES}


def _region_rows(m49: dict, names: dict) -> list[dict]:
    rows = []
    for region in m49["regions"]:
        code = region["m49"]
        official = M49_NAMES.get(code, {})
        rows.append(
            {"m49": code} | {f"name_{lang}": official.get(lang) or _capfirst(names[lang][code]) for lang in LANGUAGES}
        )
    return rows


def _country_rows(m49: dict, names: dict, regions: dict[str, Region]) -> list[dict]:
    """The M49 countries and areas, then Kosovo: official names, CLDR and ISO names as other names."""
    import pycountry

    parents = {r["m49"]: r["parent"] for r in m49["regions"]}
    territories = m49["territories"]
    official = official_names()
    codes = [(iso2, row["iso3"], row["m49"]) for iso2, row in official.items()]
    codes += [(iso2, territories[iso2]["alpha3"], "") for iso2 in EXTRA_TERRITORIES if iso2 in territories]
    rows = []
    for iso2, iso3, numeric in codes:
        subregion_code = territories.get(iso2, {}).get("subregion")
        subregion = regions.get(subregion_code) if subregion_code else None
        region = regions.get(parents.get(subregion_code) or "") if subregion_code else None
        row: dict[str, Any] = {
            "iso2": iso2,
            "iso3": iso3,
            "m49": numeric,
            "region_id": region.pk if region else None,
            "subregion_id": subregion.pk if subregion else None,
        }
        cldr = {lang: names[lang].get(iso2) or names["en"].get(iso2) or iso2 for lang in LANGUAGES}
        for lang in LANGUAGES:
            row[f"name_{lang}"] = official.get(iso2, {}).get(f"name_{lang}") or cldr[lang]
            if iso2 in NOTES:
                row[f"note_{lang}"] = NOTES[iso2].get(lang, "")
        iso = pycountry.countries.get(alpha_2=iso2)
        others = [*cldr.values(), *(getattr(iso, attr, "") for attr in ("name", "official_name", "common_name"))]
        row["other_names"] = _other_names(others, [row[f"name_{lang}"] for lang in LANGUAGES])
        row["_cldr"] = cldr
        rows.append(row)
    return rows


def _other_names(names, shown) -> str:
    """`names` but those shown already and duplicates (by case), one per line."""
    seen = {name.casefold() for name in shown}
    kept = []
    for name in names:
        name = (name or "").strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return "\n".join(kept)


def _load_countries(rows: list[dict], overwrite: bool) -> None:
    """`_upsert` for countries, and: a name still equal to the CLDR name an earlier version of this
    loader shipped is replaced by the official one; other names are added to, never removed."""
    existing = {country.iso2: country for country in Country.objects.all()}
    stale, fields = [], set()
    for row in rows:
        cldr = row.pop("_cldr")
        country = existing.get(row["iso2"])
        if country is None or overwrite:
            continue
        changed = False
        for lang in LANGUAGES:
            field = f"name_{lang}"
            if getattr(country, field) == cldr[lang] != row[field]:
                setattr(country, field, row[field])
                fields.add(field)
                changed = True
        merged = _other_names([*country.other_names.splitlines(), *row["other_names"].splitlines()], [])
        if merged != country.other_names:
            country.other_names = merged
            fields.add("other_names")
            changed = True
        if changed:
            stale.append(country)
    if stale:
        Country.objects.bulk_update(stale, sorted(fields))
    _upsert(Country, "iso2", rows, overwrite)


def load_reference_data(stdout=None, overwrite: bool = False) -> dict:
    """Create or update objectives, principles, thematic areas, regions, countries and (when that
    module exists) organisations. Returns counts per kind: {"objectives": 23, ...}."""
    objectives_data = read_data("objectives.json")["objectives"]
    principles_data = read_data("principles.json")["principles"]
    areas_data = read_data("thematic_areas.json")["thematic_areas"]
    m49 = read_data("m49.json")
    names = _territory_names()
    counts: dict[str, int] = {}
    with transaction.atomic():
        objectives, *_ = _upsert(Objective, "number", objectives_data, overwrite)
        _upsert(GuidingPrinciple, "code", principles_data, overwrite)
        area_rows = [{k: v for k, v in row.items() if k != "objectives"} for row in areas_data]
        areas, *_ = _upsert(ThematicArea, "number", area_rows, overwrite)
        through = ThematicArea.objectives.through
        through.objects.bulk_create(
            [
                through(thematicarea_id=areas[row["number"]].pk, objective_id=objectives[number].pk)
                for row in areas_data
                for number in row.get("objectives", [])
            ],
            ignore_conflicts=True,
        )
        regions, *_ = _upsert(Region, "m49", _region_rows(m49, names), overwrite)
        # Parents are set once both levels exist; the CMS may not move a region elsewhere.
        parents = {r["m49"]: r["parent"] for r in m49["regions"]}
        stale = []
        for code, region in regions.items():
            parent = regions.get(parents.get(code) or "")
            if (
                code in parents
                and region.parent_id != (parent.pk if parent else None)
                and (overwrite or not region.parent_id)
            ):
                region.parent = parent
                stale.append(region)
        Region.objects.bulk_update(stale, ["parent"])
        _load_countries(_country_rows(m49, names, regions), overwrite)

    counts["objectives"] = Objective.objects.count()
    counts["principles"] = GuidingPrinciple.objects.count()
    counts["thematic_areas"] = ThematicArea.objects.count()
    counts["regions"] = Region.objects.count()
    counts["countries"] = Country.objects.listed().count()
    try:
        from gcmhub.taxonomy.organisations_data import load_organisations
    except ImportError:
        message = "gcmhub.taxonomy.organisations_data is missing: organisations were not loaded."
        logger.warning(message)
        if stdout is not None:
            stdout.write(message)
    else:
        counts["organisations"] = load_organisations()
    if stdout is not None:
        for kind, number in counts.items():
            stdout.write(f"{kind}: {number}")
    return counts
