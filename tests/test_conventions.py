"""The README's conventions, held by reading the code: services and selectors take keyword
arguments only (a view's `request` may come first, positional, as in Django), and a read
names the member looking `viewer`, a write the one acting `actor`."""

import ast
from pathlib import Path

import pytest

CREWDESK = Path(__file__).resolve().parent.parent / "crewdesk"
MODULES = sorted(
    path for name in ("services.py", "selectors.py") for path in CREWDESK.glob(f"*/{name}")
)


def public_functions(path: Path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_services_and_selectors_are_keyword_only(path):
    positional = [
        f"{fn.name}({', '.join(a.arg for a in fn.args.posonlyargs + fn.args.args)})"
        for fn in public_functions(path)
        if fn.args.posonlyargs or [a.arg for a in fn.args.args] not in ([], ["request"])
    ]
    assert not positional, f"{path.name}: make these keyword-only (*, ...): {positional}"


@pytest.mark.parametrize(
    "path", [p for p in MODULES if p.name == "selectors.py"], ids=lambda p: p.parent.name
)
def test_a_read_names_the_member_viewer(path):
    tree = ast.parse(path.read_text())
    named_actor = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(a.arg == "actor" for a in node.args.args + node.args.kwonlyargs)
    ]
    assert not named_actor, f"{path.parent.name}/selectors.py: say viewer, not actor: {named_actor}"
