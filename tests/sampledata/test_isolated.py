"""No product module imports the sample data: it sits on the top floor, so the product works the
same without it (DESIGN §3). Read from the source with ast, imports inside functions too."""

import ast
from pathlib import Path

import crewdesk

PACKAGE = Path(crewdesk.__file__).parent
SAMPLEDATA = PACKAGE / "sampledata"


def imported_modules(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Every module `path` (under `root`) imports, relative imports resolved to full names."""
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    # The package a relative import starts from: the module's own, or itself for __init__.py.
    package = module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            # `from crewdesk import sampledata` names the package as an imported name.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def is_sampledata(name: str) -> bool:
    return name == "crewdesk.sampledata" or name.startswith("crewdesk.sampledata.")


def product_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if SAMPLEDATA not in p.parents]


def test_no_product_module_imports_the_sample_data():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): sorted(filter(is_sampledata, imported_modules(path)))
        for path in product_modules()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_every_kind_of_import(tmp_path):
    """The reader itself: a plain, a from, a relative and a function-level import all count."""
    app = tmp_path / "crewdesk" / "clients"
    app.mkdir(parents=True)
    cases = {
        "plain.py": "import crewdesk.sampledata.bulk.names\n",
        "from_package.py": "from crewdesk import sampledata\n",
        "relative.py": "from ..sampledata.demo import clients\n",
        "in_function.py": "def f():\n    from crewdesk.sampledata.bulk import truth\n",
    }
    for name, source in cases.items():
        (app / name).write_text(source)
        assert any(map(is_sampledata, imported_modules(app / name, tmp_path))), name
    (app / "fine.py").write_text("from crewdesk.clients import models\nimport sampledata_x\n")
    assert not any(map(is_sampledata, imported_modules(app / "fine.py", tmp_path)))
