"""The floors of DESIGN.md §3: an app imports only apps below it.

core → notifications → accounts → clients → properties → jobs → billing → payments → portal,
dashboard, sampledata (the last three side by side on the top floor, none importing another).
A page of a lower app shows a higher app's part through a registration point the higher app
fills in its AppConfig.ready() (README, "Where a new app plugs in").

Every import is read with ast, those inside functions too: an import moved into a function to
dodge a cycle still makes the lower app know the higher one. A model named by a string
("clients.Client" in a ForeignKey) is not an import, and is fine.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crewdesk"

FLOORS = {
    "core": 0,
    "notifications": 1,
    "accounts": 2,
    "clients": 3,
    "properties": 4,
    "jobs": 5,
    "billing": 6,
    "payments": 7,
    "portal": 8,
    "dashboard": 8,
    "sampledata": 8,
}
# The rest of crewdesk/ is the assembly (api/, settings, urls, cli): it puts the apps
# together, so it may import every one of them, and no app may import it.
# An app's api.py is part of the API: it may use the API's shared kit (errors, paging, auth).
API_KIT_USERS = "api.py"

# core still names accounts' Membership in type hints (under TYPE_CHECKING): a member is who
# asks, and the rule they are checked against lives in core.
KNOWN_CORE_ON_ACCOUNTS = {
    "core/permissions.py",
    "core/services.py",
}


def _imported_modules(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module imported (line, full name); `package` is the module's own package, from
    which a relative import (`from ..jobs import x`) starts."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [(node.lineno, base)]
            # `from crewdesk import jobs` names the app in the alias, not in the module.
            if base in ("crewdesk", package):
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _package_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts if path.name == "__init__.py" else parts[:-1])


def _imports_of(path: Path) -> list[tuple[int, str]]:
    return _imported_modules(ast.parse(path.read_text(encoding="utf-8")), _package_of(path))


def _app_modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] in FLOORS and "migrations" not in path.parts
    )


def layer_violations(path: Path) -> list[str]:
    """What this module of an app imports that its floor may not."""
    relative = path.relative_to(PACKAGE)
    app = relative.parts[0]
    problems = []
    for line, module in _imports_of(path):
        parts = module.split(".")
        if parts[0] != "crewdesk" or len(parts) < 2 or parts[1] == app:
            continue
        other = parts[1]
        if other == "api":
            allowed = relative.name == API_KIT_USERS
        elif other in FLOORS:
            allowed = FLOORS[other] < FLOORS[app]
        else:
            allowed = False  # settings, urls, cli: the assembly is above every app
        if not allowed:
            problems.append(f"{relative}:{line} imports {module}")
    return problems


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_the_app_modules_are_found():
    names = {_name(p) for p in _app_modules()}
    assert {"core/navigation.py", "clients/views/profile.py", "dashboard/views.py"} <= names


@pytest.mark.parametrize(
    "path",
    [p for p in _app_modules() if _name(p) not in KNOWN_CORE_ON_ACCOUNTS],
    ids=_name,
)
def test_an_app_imports_only_apps_below_it(path):
    assert layer_violations(path) == []


@pytest.mark.parametrize("name", sorted(KNOWN_CORE_ON_ACCOUNTS))
def test_core_reaches_no_higher_than_accounts_where_it_is_known_to(name):
    """Known, not allowed: these may import accounts and nothing higher; once one imports
    nothing above core, it leaves the list."""
    problems = layer_violations(PACKAGE / name)
    assert problems, f"{name} now keeps the rule: delete it from KNOWN_CORE_ON_ACCOUNTS"
    assert all(
        p.endswith(("crewdesk.accounts.models", "crewdesk.accounts.selectors")) for p in problems
    )


def test_an_import_inside_a_function_counts(monkeypatch):
    module = PACKAGE / "core" / "_layer_probe.py"
    source = "def f():\n    from crewdesk.jobs.models import Job\n    return Job\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert layer_violations(module) == ["core/_layer_probe.py:2 imports crewdesk.jobs.models"]


def test_a_lower_app_may_be_imported_and_the_api_kit_only_by_api_py(monkeypatch):
    source = "from crewdesk.core.models import Company\nfrom crewdesk.api.errors import x\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert layer_violations(PACKAGE / "jobs" / "api.py") == []
    assert layer_violations(PACKAGE / "jobs" / "selectors.py") == [
        "jobs/selectors.py:2 imports crewdesk.api.errors"
    ]


def test_nothing_outside_the_sample_data_imports_it():
    """The product, the API and the command line work the same without crewdesk.sampledata
    (its commands are found through INSTALLED_APPS, not imported)."""
    sampledata = PACKAGE / "sampledata"
    offenders = [
        f"{_name(path)}:{line} imports {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if sampledata not in path.parents
        for line, module in _imports_of(path)
        if module == "crewdesk.sampledata" or module.startswith("crewdesk.sampledata.")
    ]
    assert offenders == []


def test_a_relative_or_package_import_counts(monkeypatch):
    monkeypatch.setattr(
        Path, "read_text", lambda self, encoding=None: "from ..jobs import models\n"
    )
    assert layer_violations(PACKAGE / "clients" / "x.py") == [
        "clients/x.py:1 imports crewdesk.jobs"
    ]
    monkeypatch.setattr(
        Path, "read_text", lambda self, encoding=None: "from crewdesk import jobs\n"
    )
    assert layer_violations(PACKAGE / "clients" / "x.py") == [
        "clients/x.py:1 imports crewdesk.jobs"
    ]
