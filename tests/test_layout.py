"""How the code is laid out, held: the rooms, what each may import, one home per record kind,
one file for the DDL (README: "How the code is laid out")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "custcli"
KIND_NAMES = {
    "customers", "orders", "visits", "brands", "complaints", "notes", "followups", "key_dates",
}  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """Every custcli module a module imports, at its top or inside a function alike."""
    path = MODULES[name]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def test_no_import_cycle_anywhere_counting_imports_inside_functions():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            strong(module)
    assert cycles == []


# Who may import whom: the house (README). A room's modules import only these.
MAY_IMPORT = {
    "custcli.commands": ("custcli.commands", "custcli.domain", "custcli.present", "custcli.kinds"),
    "custcli.present": ("custcli.present", "custcli.domain", "custcli.io", "custcli.kinds"),
    "custcli.domain": ("custcli.domain", "custcli.db", "custcli.io", "custcli.kinds"),
    "custcli.db": ("custcli.db", "custcli.kinds"),
    "custcli.io": ("custcli.io",),
    "custcli.kinds": ("custcli.kinds",),
}
# The floor under every room: words, errors, text, patterns (never a room above them).
EDGE = ("custcli.cli", "custcli.session", "custcli.render", "custcli.__main__")
FLOOR = {m for m in MODULES if m.count(".") == 1 and m not in (*EDGE, *MAY_IMPORT)}


@pytest.mark.parametrize("room", MAY_IMPORT)
def test_each_room_imports_only_what_lies_below_it(room):
    allowed = MAY_IMPORT[room]
    wrong = {
        module: sorted(
            m for m in GRAPH[module] if m not in FLOOR and not m.startswith(allowed)
            and m != "custcli.render" and m != "custcli.session"
        )
        for module in GRAPH
        if module == room or module.startswith(room + ".")
    }  # fmt: skip
    # The terminal (render) is the presenters' and the commands'; the session the commands'.
    if room not in ("custcli.commands", "custcli.present"):
        wrong = {
            module: sorted({*found, *(m for m in GRAPH[module] if m in ("custcli.render",
                                                                          "custcli.session"))})
            for module, found in wrong.items()
        }  # fmt: skip
    assert {m: found for m, found in wrong.items() if found} == {}


def test_the_floor_imports_no_room():
    rooms = tuple(MAY_IMPORT)
    assert {m: sorted(x for x in GRAPH[m] if x.startswith(rooms)) for m in FLOOR if any(
        x.startswith(rooms) for x in GRAPH[m])} == {}  # fmt: skip


def test_the_domain_is_pure():
    """No terminal, no spreadsheet library, no wall clock in the domain: `today` is given."""
    for name, path in MODULES.items():
        if not name.startswith("custcli.domain"):
            continue
        text = path.read_text(encoding="utf-8")
        for library in ("typer", "rich", "openpyxl", "rvgsrust_xlsxwriter", "python_calamine"):
            assert not re.search(rf"^\s*(import|from) {library}\b", text, re.M), (name, library)
        assert "date.today()" not in text and "datetime.now()" not in text, name


def _kind_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    documents = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in KIND_NAMES and id(node) not in documents
    ]


def test_a_record_kind_is_spelled_in_its_registry_not_across_the_code():
    """Code asks the kind (custcli.kinds) rather than spelling "orders" or "visits" and
    switching on it: at most 8 modules outside the registry and the schema's frozen steps."""
    spelling = sorted(
        name
        for name, path in MODULES.items()
        if not name.startswith("custcli.kinds")
        and name != "custcli.db.schema"
        and _kind_strings(path)
    )
    assert len(spelling) <= 8, spelling


def test_one_file_holds_the_ddl():
    ddl = re.compile(
        r"\b(CREATE|ALTER|DROP) (TABLE|INDEX|UNIQUE INDEX|POLICY|FUNCTION|AGGREGATE)\b"
    )
    holding = sorted(
        name for name, path in MODULES.items() if ddl.search(path.read_text(encoding="utf-8"))
    )
    assert holding == ["custcli.db.schema"]
