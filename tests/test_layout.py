"""The layering rule, read from the code itself (docs/decisions/0901-site-app-and-layering.md).

Arrows point down. Each app of `gcmhub/` sits in a layer, lowest first:

    0  lib                         framework-light helpers; no models, no app
       formats                     Django's format modules per language (data only, decision 1303)
    1  pagecache                   infrastructure with models: hears `gcmhub.lib.changes` and model
                                   signals, knows no app; views use its `cacheable` decorator
    2  taxonomy, accounts          reference data; users, roles and permission helpers
    3  workplan, knowledge         the domain apps
    4  site, api, search           the faces and the search across contexts
    5  the project                 gcmhub/*.py (urls, settings, cli, wsgi, the test personas, the
                                   routing of /media/ and /documents/), gcmhub/management/

A module imports only from its own app and the layers below. Between two apps of the same layer the
only import allowed is the models module, in the directions listed in `SIDEWAYS` (one direction per
pair, so no cycle): an app reads another's data through a model relation and the QuerySet methods of
the related model, never through its views, forms, actions or templates. Two remain, both behind a
foreign key:

- knowledge -> workplan.models: a resource is the output of a work-plan priority or activity
  (`Resource.output_of_priority` / `output_of_activity`). The resource form lists those, the bulk
  import and the demo resolve them. The work plan reads resources only through the reverse
  relations (`priority.resources`, `activity.resources`) and never imports knowledge.
- accounts -> taxonomy.models: a role is bound to an organisation or a country
  (`Role.organisation`, `Role.country`); the role form lists them. Taxonomy never imports accounts.

Also checked:
- `lib` imports no app at all, and the template tags (`site/templatetags`) import only `lib`: every
  app's templates load them by name (`{% load gcmhub_tags %}`), like `base.html`, so they must
  not reach up into the domain.
- Templates: an app's templates include or extend only its own (`<app>/...`), the chrome's
  (`gcmhub/templates`: base.html, includes/, the error pages) and third-party ones; Python code
  renders only its own app's templates or the chrome's. The chrome names only its own templates.
- Model relations (foreign keys named by string import nothing) point down too, or are one of
  the two above.
- Every folder of `gcmhub/` with an `__init__.py` is placed in a layer, so a new app must be.

Tests (any module under a `tests/` folder) are exempt: they sit above everything, drive the whole
site and build their data with `gcmhub.test`, which imports every app.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.test import SimpleTestCase

GCMHUB = Path(__file__).resolve().parent.parent / "gcmhub"
PROJECT = "(project)"

LAYERS = {
    "lib": 0,
    "formats": 0,
    "pagecache": 1,
    "taxonomy": 2,
    "accounts": 2,
    "workplan": 3,
    "knowledge": 3,
    "consultations": 3,
    "translations": 3,
    "site": 4,
    "api": 4,
    "search": 4,
    "notifications": 3.5,  # listens to the domain apps (3), serves the site (4)
    "management": 5,
    "settings": 5,
    PROJECT: 5,
}

# (importing app, imported module) within one layer, with the relation that justifies it.
SIDEWAYS = {
    ("knowledge", "gcmhub.workplan.models"): "Resource.output_of_priority / output_of_activity",
    ("accounts", "gcmhub.taxonomy.models"): "Role.organisation / Role.country",
    ("consultations", "gcmhub.knowledge.models"): "Topic.resources / tool / summary_report; StoredFile",
}

# Folders of gcmhub/ that are not apps but parts of the project layer.
PROJECT_PACKAGES = {"management", "settings"}

TEMPLATE_TAGS = "gcmhub.site.templatetags"

TEMPLATE_REFERENCE = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"']+)["']""")
TEMPLATE_NAME = re.compile(r"^([a-z_]+)/[\w/.-]+\.(?:html|txt)$")


def app_of(module: str) -> str:
    """The app of a dotted module name under gcmhub (`gcmhub.workplan.views` -> `workplan`), or
    PROJECT for the project's own modules (`gcmhub.urls`, `gcmhub.settings.base`, `gcmhub`)."""
    parts = module.split(".")
    if len(parts) < 2 or not (GCMHUB / parts[1]).is_dir() or parts[1] in PROJECT_PACKAGES:
        return PROJECT
    return parts[1]


def module_of(path: Path) -> str:
    parts = list(path.relative_to(GCMHUB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test(path: Path) -> bool:
    return "tests" in path.relative_to(GCMHUB).parts


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module) for every import of a gcmhub module, wherever it stands (functions and
    `TYPE_CHECKING` blocks included), and every literal `import_module`/`import_string` path.
    `from gcmhub import pagecache` counts as an import of `gcmhub.pagecache`."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "gcmhub":
                found += [(node.lineno, f"gcmhub.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("import_module", "import_string")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return [(line, name) for line, name in found if name == "gcmhub" or name.startswith("gcmhub.")]


def import_violation(module: str, imported: str) -> str | None:
    """Why `module` may not import `imported`, or None when the arrow points down (or stays in
    its app)."""
    source, target = app_of(module), app_of(imported)
    if imported == "gcmhub" or source == target:
        return None
    if source == "lib":
        return "lib imports no app"
    if module == TEMPLATE_TAGS or module.startswith(TEMPLATE_TAGS + "."):
        if target != "lib":
            return "template tags are loaded by every app's templates: they import only lib"
    if LAYERS[target] < LAYERS[source]:
        return None
    if LAYERS[target] > LAYERS[source]:
        return f"upward: {source} (layer {LAYERS[source]}) -> {target} (layer {LAYERS[target]})"
    if (source, imported) in SIDEWAYS:
        return None
    return f"sideways: {source} -> {target} (only a model relation listed in SIDEWAYS)"


def template_namespaces() -> dict[str, str]:
    """Template folder -> the app that owns it (`workplan/` -> workplan)."""
    owners = {}
    for folder in GCMHUB.glob("*/templates/*"):
        if folder.is_dir():
            owners[folder.name] = folder.parent.parent.name
    return owners


def template_violation(owner: str, name: str, namespaces: dict[str, str]) -> str | None:
    """Why templates or code of app `owner` (PROJECT for the chrome) may not name template `name`."""
    folder = name.split("/", 1)[0] if "/" in name else None
    if folder not in namespaces:
        # The chrome's own (base.html, includes/..., 404.html, bench/...) or a third party's.
        return None
    if namespaces[folder] == owner:
        return None
    return f"{owner} names {name}, a template of {namespaces[folder]}"


def python_modules():
    for path in sorted(GCMHUB.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path


class LayoutTests(SimpleTestCase):
    def test_it_places_every_package_of_gcmhub_in_a_layer(self):
        packages = {path.parent.name for path in GCMHUB.glob("*/__init__.py")} - {"tests"}
        self.assertEqual(sorted(packages - LAYERS.keys()), [], "add the new app to LAYERS in tests/test_layout.py")

    def test_every_import_points_down(self):
        violations = []
        used = set()
        for path in python_modules():
            if is_test(path):
                continue
            module = module_of(path)
            tree = ast.parse(path.read_text(), filename=str(path))
            for line, imported in imported_modules(tree, module, path.name == "__init__.py"):
                reason = import_violation(module, imported)
                if reason:
                    violations.append(f"{path.relative_to(GCMHUB.parent)}:{line} imports {imported}: {reason}")
                elif (app_of(module), imported) in SIDEWAYS:
                    used.add((app_of(module), imported))
        self.assertEqual(violations, [], "\n".join(violations))
        self.assertEqual(sorted(SIDEWAYS.keys() - used), [], "a SIDEWAYS entry no code needs any more: remove it")

    def test_every_model_relation_points_down(self):
        """Foreign keys named by string ("workplan.Priority") import nothing: read them from the app
        registry. The reverse side of each is how the lower app reads the higher one's rows."""
        violations = []
        for model in apps.get_models():
            source = model._meta.app_config.name.removeprefix("gcmhub.")
            if not model._meta.app_config.name.startswith("gcmhub.") or model._meta.proxy:
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete and field.related_model):
                    continue
                target_name = field.related_model._meta.app_config.name
                if not target_name.startswith("gcmhub."):
                    continue
                target = target_name.removeprefix("gcmhub.")
                if source == target or LAYERS[target] < LAYERS[source]:
                    continue
                if LAYERS[target] == LAYERS[source] and (source, f"{target_name}.models") in SIDEWAYS:
                    continue
                violations.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
        self.assertEqual(violations, [], "\n".join(violations))

    def test_templates_name_only_their_own_apps_templates_and_the_chrome(self):
        namespaces = template_namespaces()
        violations = []
        for path in sorted(GCMHUB.rglob("templates/**/*")):
            if not path.is_file() or path.suffix not in (".html", ".txt", ".xml"):
                continue
            relative = path.relative_to(GCMHUB).parts
            owner = PROJECT if relative[0] == "templates" else relative[0]
            for match in TEMPLATE_REFERENCE.finditer(path.read_text()):
                reason = template_violation(owner, match.group(1), namespaces)
                if reason:
                    violations.append(f"{path.relative_to(GCMHUB.parent)}: {reason}")
        for path in python_modules():
            if is_test(path):
                continue
            owner = app_of(module_of(path))
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and TEMPLATE_NAME.match(node.value):
                    reason = template_violation(owner, node.value, namespaces)
                    if reason:
                        violations.append(f"{path.relative_to(GCMHUB.parent)}:{node.lineno}: {reason}")
        self.assertEqual(violations, [], "\n".join(violations))


class RuleTests(SimpleTestCase):
    """The checker itself, on arrows the code does not (or no longer) hold."""

    def imports(self, source: str, module: str = "gcmhub.workplan.views") -> list[str]:
        return [name for _line, name in imported_modules(ast.parse(source), module, is_package=False)]

    def test_it_reads_every_form_of_import(self):
        source = (
            "import gcmhub.search.engine\n"
            "from gcmhub import pagecache\n"
            "from . import models\n"
            "def f():\n"
            "    from gcmhub.knowledge.models import Resource\n"
            "    import_string('gcmhub.api.main.api')\n"
        )
        self.assertEqual(
            sorted(self.imports(source)),
            [
                "gcmhub.api.main.api",
                "gcmhub.knowledge.models",
                "gcmhub.pagecache",
                "gcmhub.search.engine",
                "gcmhub.workplan",
            ],
        )

    def test_it_refuses_the_arrows_that_ran_upwards(self):
        self.assertIn("upward", import_violation("gcmhub.taxonomy.views", "gcmhub.workplan.models"))
        self.assertIn("upward", import_violation("gcmhub.knowledge.importer.save", "gcmhub.search.indexing"))
        self.assertIn("upward", import_violation("gcmhub.workplan.views", "gcmhub.site.views_reference"))
        self.assertEqual(import_violation("gcmhub.lib.files", "gcmhub.knowledge.models"), "lib imports no app")

    def test_it_refuses_a_domain_app_that_reaches_past_another_apps_models(self):
        self.assertIn("sideways", import_violation("gcmhub.workplan.views", "gcmhub.knowledge.models"))
        self.assertIn("sideways", import_violation("gcmhub.knowledge.forms_resources", "gcmhub.workplan.forms"))
        self.assertIn("sideways", import_violation("gcmhub.api.workplan", "gcmhub.search.engine"))

    def test_it_allows_arrows_down_and_the_listed_relations(self):
        self.assertIsNone(import_violation("gcmhub.site.views_reference", "gcmhub.workplan.models"))
        self.assertIsNone(import_violation("gcmhub.knowledge.views_resources", "gcmhub.pagecache"))
        self.assertIsNone(import_violation("gcmhub.knowledge.forms_resources", "gcmhub.workplan.models"))
        self.assertIsNone(import_violation("gcmhub.urls", "gcmhub.site.views"))

    def test_it_keeps_the_template_tags_on_lib(self):
        self.assertIn("template tags", import_violation("gcmhub.site.templatetags.ui_tags", "gcmhub.workplan.models"))
        self.assertIsNone(import_violation("gcmhub.site.templatetags.gcmhub_tags", "gcmhub.lib.i18n"))

    def test_it_refuses_another_apps_template(self):
        namespaces = {"workplan": "workplan", "knowledge": "knowledge", "site": "site"}
        self.assertIsNotNone(template_violation("workplan", "knowledge/includes/card.html", namespaces))
        self.assertIsNotNone(template_violation("workplan", "site/includes/priorities.html", namespaces))
        self.assertIsNotNone(template_violation(PROJECT, "workplan/overview.html", namespaces))
        self.assertIsNone(template_violation("workplan", "workplan/overview.html", namespaces))
        self.assertIsNone(template_violation("workplan", "includes/pagination.html", namespaces))
        self.assertIsNone(template_violation("site", "wagtailadmin/base.html", namespaces))
