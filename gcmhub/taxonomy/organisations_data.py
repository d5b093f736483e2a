"""Load the organisations reference file (`data/organisations.json`) into the database.

Each entry names one organisation once, whatever the language: names and acronyms in English,
French and Spanish plus every other spelling seen in the Network's documents (`aliases`).
"""

import json
from pathlib import Path

from django.db import transaction

from gcmhub.lib.i18n import translated_names
from gcmhub.taxonomy.models import Organisation, OrganisationAlias, normalize_name

DATA_FILE = Path(__file__).resolve().parent / "data" / "organisations.json"

FIELDS = ("kind", *translated_names("name"), *translated_names("acronym"), "website")


def read_organisations(path: Path = DATA_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@transaction.atomic
def load_organisations(path: Path = DATA_FILE) -> int:
    """Create or update every organisation of the file (matched by slug) and its aliases.

    Idempotent, and written in bulk (a handful of queries). Every name and acronym becomes an
    alias, as `Organisation.sync_aliases()` would make it; an alias already pointing at another
    organisation is moved to the one the file names, since the file is the reference. Returns
    the number of organisations in the file."""
    entries = read_organisations(path)
    existing = {org.slug: org for org in Organisation.objects.filter(slug__in=[e["slug"] for e in entries])}
    new, changed_orgs, changed_fields = [], [], set()
    orgs = []
    for entry in entries:
        values = {field: entry.get(field, "") for field in FIELDS}
        values["is_network_member"] = bool(entry.get("is_network_member", False))
        org = existing.get(entry["slug"])
        if org is None:
            org = Organisation(slug=entry["slug"], **values)
            new.append(org)
        else:
            changed = [field for field, value in values.items() if getattr(org, field) != value]
            for field in changed:
                setattr(org, field, values[field])
            if changed:
                changed_orgs.append(org)
                changed_fields.update(changed)
        orgs.append((org, entry))
    Organisation.objects.bulk_create(new)
    if changed_orgs:
        Organisation.objects.bulk_update(changed_orgs, sorted(changed_fields))

    aliases = {a.normalized: a for a in OrganisationAlias.objects.all()}
    create, move = [], []
    for org, entry in orgs:
        for alias in [*sorted(org.all_names()), *entry.get("aliases", [])]:
            normalized = normalize_name(alias)
            if not normalized:
                continue
            row = aliases.get(normalized)
            if row is None:
                row = aliases[normalized] = OrganisationAlias(organisation=org, alias=alias, normalized=normalized)
                create.append(row)
            elif row.organisation_id != org.pk:
                row.organisation = org
                move.append(row)
    OrganisationAlias.objects.bulk_create(create)
    OrganisationAlias.objects.bulk_update(move, ["organisation"])
    return len(entries)
