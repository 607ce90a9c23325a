"""The import graph keeps the layers of DESIGN §3: each test walks every import of the apps.

Imports are read with ``ast`` from the source (module level and inside functions alike), so a
forbidden import fails here even when no test happens to run the code that holds it.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("crm", "customers", "complaints", "onboarding")
UPPER_APPS = ("complaints", "onboarding")

# crm's core: mechanisms every app uses. They import no app.
CRM_CORE = {
    "crm/__init__.py",
    "crm/accounts.py",
    "crm/admin.py",
    "crm/admin_records.py",
    "crm/apps.py",
    "crm/background.py",
    "crm/batches.py",
    "crm/bulk.py",
    "crm/business_time.py",
    "crm/choices.py",
    "crm/trigram_search.py",
    "crm/calendar.py",
    "crm/charts.py",
    "crm/celery.py",
    "crm/env.py",
    "crm/headlines.py",
    "crm/order_stats.py",
    "crm/report_links.py",
    "crm/weekly_report.py",
    "crm/forms.py",
    "crm/handoff_answers.py",
    "crm/handoffs.py",
    "crm/http.py",
    "crm/import_admin.py",
    "crm/imports.py",
    "crm/inbox.py",
    "crm/jinja.py",
    "crm/lockout.py",
    "crm/middleware.py",
    "crm/migration_calendar.py",
    "crm/models.py",
    "crm/my_day.py",
    "crm/ladder.py",
    "crm/notices.py",
    "crm/outbox.py",
    "crm/form_renderer.py",
    "crm/paging.py",
    "crm/postgres_only.py",
    "crm/people.py",
    "crm/percentiles.py",
    "crm/paths.py",
    "crm/permissions_backend.py",
    "crm/report_views.py",
    "crm/reporting.py",
    "crm/roles.py",
    "crm/spreadsheet.py",
    "crm/tasks.py",
    "crm/templatetags/kept_forms.py",
    "crm/templatetags/navigation.py",
    "crm/templatetags/people.py",
    "crm/templatetags/reach.py",
    "crm/templatetags/reports.py",
    "crm/templatetags/rows.py",
    "crm/templatetags/teams.py",
    "crm/templatetags/undo.py",
    "crm/text.py",
    "crm/throttle.py",
    "crm/undo.py",
}
# crm's composition: the project's settings and entry points, and the pages that compose the
# apps. They may import any app (never an app's views).
CRM_COMPOSITION = {
    "crm/asgi.py",
    "crm/dashboard.py",
    "crm/demo.py",
    "crm/management/bench.py",
    "crm/management/commands/bench_import.py",
    "crm/management/commands/bench_load.py",
    "crm/management/commands/bench_pages.py",
    "crm/management/commands/bench_sweeps.py",
    "crm/management/commands/seed_demo.py",
    "crm/management/commands/seed_scale.py",
    "crm/search.py",
    "crm/settings.py",
    "crm/urls.py",
    "crm/views.py",
    "crm/wsgi.py",
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing file, relative to the repository, e.g. "crm/dashboard.py"
    module: str  # the imported module (or module.name for ``from module import name``)
    line: int

    @property
    def app(self) -> str:
        return self.source.split("/")[0]

    @property
    def target_app(self) -> str:
        return self.module.split(".")[0]

    def __str__(self):
        return f"{self.source}:{self.line} imports {self.module}"


def _source_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _imports_of(path: Path) -> list[Import]:
    source = path.relative_to(ROOT).as_posix()
    return _imports_in(path.read_text(encoding="utf-8"), source)


def _imports_in(code: str, source: str) -> list[Import]:
    found = []
    for node in ast.walk(ast.parse(code, filename=source)):
        if isinstance(node, ast.Import):
            found += [Import(source, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # A relative import stays inside the importing app.
                continue
            found.append(Import(source, node.module, node.lineno))
            # `from complaints import views` imports the module complaints.views.
            found += [
                Import(source, f"{node.module}.{alias.name}", node.lineno) for alias in node.names
            ]
    return found


ALL_IMPORTS = [found for path in _source_files() for found in _imports_of(path)]


def _cross_app(imports) -> list[Import]:
    return [
        found for found in imports if found.target_app in APPS and found.target_app != found.app
    ]


def _is_views_module(module: str) -> bool:
    return any(part == "views" or part.endswith("_views") for part in module.split(".")[1:])


def test_the_walk_sees_the_imports_it_judges():
    # A walk that finds nothing would pass every rule below.
    assert any(str(found).startswith("complaints/models.py") for found in _cross_app(ALL_IMPORTS))
    assert any(found.source == "crm/dashboard.py" for found in ALL_IMPORTS)


def test_the_walk_sees_imports_inside_functions_and_from_packages():
    code = "def page():\n    from complaints import views\n    import onboarding.models\n"

    modules = {found.module for found in _imports_in(code, "customers/x.py")}

    assert {"complaints.views", "onboarding.models"} <= modules


def test_every_crm_module_is_either_core_or_composition():
    crm_modules = {
        path.relative_to(ROOT).as_posix()
        for path in _source_files()
        # An empty package marker holds no code to judge.
        if path.relative_to(ROOT).parts[0] == "crm" and path.stat().st_size
    }
    assert not CRM_CORE & CRM_COMPOSITION
    assert crm_modules - CRM_CORE - CRM_COMPOSITION == set(), (
        "decide whether each new crm module is core (imports no app) or composition"
    )
    assert (CRM_CORE | CRM_COMPOSITION) - crm_modules == set(), "the lists name a gone module"


def test_customers_imports_nothing_from_the_apps_above_it():
    offending = [
        str(found)
        for found in _cross_app(ALL_IMPORTS)
        if found.app == "customers" and found.target_app in UPPER_APPS
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("app_name", "other_app"), [("complaints", "onboarding"), ("onboarding", "complaints")]
)
def test_complaints_and_onboarding_do_not_import_each_other(app_name, other_app):
    offending = [
        str(found)
        for found in _cross_app(ALL_IMPORTS)
        if found.app == app_name and found.target_app == other_app
    ]
    assert offending == []


def test_no_app_imports_another_apps_views():
    offending = [str(found) for found in _cross_app(ALL_IMPORTS) if _is_views_module(found.module)]
    assert offending == []


def test_crm_core_imports_no_app():
    offending = [
        str(found)
        for found in _cross_app(ALL_IMPORTS)
        if found.source in CRM_CORE and found.target_app != "crm"
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("module", "verdict"),
    [
        ("complaints.views", True),
        ("customers.followup_views.urgency_order", True),
        ("complaints.action_views", True),
        ("complaints.models", False),
        ("customers.viewsets", False),
    ],
)
def test_views_modules_are_recognised_by_name(module, verdict):
    assert _is_views_module(module) is verdict
