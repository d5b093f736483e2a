"""Regenerate m49.json (UN M49 regions, sub-regions and the sub-region of each territory) from
CLDR's supplemental data, the maintained machine-readable copy of the M49 geographic scheme.

Run by hand when CLDR changes, then commit the result::

    npm pack cldr-core && tar xzf cldr-core-*.tgz
    .venv/bin/python gcmhub/taxonomy/data/build_m49.py package/supplemental > gcmhub/taxonomy/data/m49.json

Names are not stored here: the loader reads them from Babel's CLDR locale data in English,
French and Spanish.
"""

import json
import sys
from pathlib import Path

WORLD = "001"
# CLDR lists these two M49 sub-regions as "groupings" over intermediate regions (Western
# Africa, Caribbean ...), while M49 itself makes them the sub-region level. CLDR's other
# numeric grouping, 003 "North America", is not part of M49 and is ignored.
M49_GROUPING_SUBREGIONS = ("202", "419")
# Outlying Oceania (Antarctica, Ascension, Clipperton ...): CLDR's own bucket, not an M49 region.
NOT_M49 = ("QO",)


def build(supplemental: Path) -> dict:
    containment = json.loads((supplemental / "territoryContainment.json").read_text())
    containment = containment["supplemental"]["territoryContainment"]
    mappings = json.loads((supplemental / "codeMappings.json").read_text())["supplemental"]["codeMappings"]
    version = json.loads((supplemental.parent / "package.json").read_text()).get("version", "?")

    def children(code: str) -> list[str]:
        return containment.get(code, {}).get("_contains", [])

    grouping_of = {child: group for group in M49_GROUPING_SUBREGIONS for child in children(group)}
    regions, countries = [], {}
    for region in sorted(children(WORLD)):
        regions.append({"m49": region, "parent": None})
        subregions = set()
        for child in children(region):
            if child in NOT_M49:
                continue
            subregion = grouping_of.get(child, child)
            subregions.add(subregion)
            for territory in children(child):
                countries[territory] = {
                    "subregion": subregion,
                    "alpha3": mappings.get(territory, {}).get("_alpha3", ""),
                }
        regions.extend({"m49": code, "parent": region} for code in sorted(subregions))
    return {
        "source": f"Unicode CLDR {version} supplemental territoryContainment (UN M49) and codeMappings",
        "regions": regions,
        "territories": dict(sorted(countries.items())),
    }


if __name__ == "__main__":
    json.dump(build(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
