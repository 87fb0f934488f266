"""The house's layers (docs/ARCHITECTURE.md), checked by walking the import statements of the source tree.

Dependencies point one way, down the table below: a module may import its own layer or the layers under it,
never one above. Three more rules: no import cycle between modules, no first-party import hidden inside a
function (the usual way to dodge a cycle), and no ``__import__``/``importlib`` of a first-party module by a
literal name. Job names given to RQ as strings ("notifications.jobs.deliver") are not imports and are allowed.
"""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("state_machines", "workflow_app", "forms", "notifications", "config", "wsgi")
CHECKED = ("state_machines", "workflow_app", "forms", "notifications", "config.py", "wsgi.py")

#: Top to bottom. A module belongs to the first layer with a prefix that matches its dotted name.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("entry points", ("wsgi", "workflow_app.app", "workflow_app.worker", "workflow_app.cli")),
    ("web", ("workflow_app.web",)),
    ("forms", ("forms",)),
    ("notifications", ("notifications",)),
    ("services", ("workflow_app.services",)),
    ("domain", ("workflow_app.models", "workflow_app.history", "workflow_app.permissions",
                "workflow_app.reference_data")),
    ("plumbing", ("workflow_app.infra", "workflow_app")),  # "workflow_app" alone: the package's docstring
    ("legal core and settings", ("state_machines", "config")),
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the first-party module it imports
    line: int
    in_function: bool


def layer_of(module: str) -> int:
    best = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and to docs/ARCHITECTURE.md")
    return best[0]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path, roots: tuple[str, ...] = CHECKED) -> list[Path]:
    files: list[Path] = []
    for name in roots:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return sorted(files)


def imports_of(path: Path, root: Path) -> tuple[list[Import], list[str]]:
    """First-party imports of one file, and its dynamic imports by literal name (as problems)."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    problems: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[:len(base) - (child.level - 1)]
                    stem = ".".join(base + ([child.module] if child.module else []))
                else:
                    stem = child.module or ""
                # "from package import submodule" imports the submodule: resolve it when the file exists.
                targets = [f"{stem}.{alias.name}" if _is_module(root, f"{stem}.{alias.name}") else stem
                           for alias in child.names]
            elif isinstance(child, ast.Call) and _dynamic_import_name(child):
                name = _dynamic_import_name(child)
                if name.split(".")[0] in FIRST_PARTY:
                    problems.append(f"{module}:{child.lineno}: dynamic import of {name!r}; import it normally")
                    targets = [name]  # still a dependency: it takes part in layers and cycles
            for target in targets:
                if target.split(".")[0] in FIRST_PARTY:
                    found.append(Import(module, target, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found, problems


def _is_module(root: Path, dotted: str) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _dynamic_import_name(call: ast.Call) -> str | None:
    func = call.func
    is_dunder = isinstance(func, ast.Name) and func.id == "__import__"
    is_importlib = isinstance(func, ast.Attribute) and func.attr == "import_module"
    if (is_dunder or is_importlib) and call.args and isinstance(call.args[0], ast.Constant) \
            and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def violations(root: Path, roots: tuple[str, ...] = CHECKED) -> list[str]:
    """Every breach of the house's rules in the tree at ``root``, as readable lines (empty when it holds)."""
    graph: dict[str, set[str]] = {}
    problems: list[str] = []
    for path in source_files(root, roots):
        found, dynamic = imports_of(path, root)
        problems += dynamic
        module = module_name(path, root)
        graph.setdefault(module, set())
        for imp in found:
            if imp.target == imp.module:
                continue
            graph[module].add(imp.target)
            if imp.in_function:
                problems.append(f"{imp.module}:{imp.line}: imports {imp.target} inside a function; "
                                "import at the top (a cycle means a module is in the wrong layer)")
            source, target = layer_of(imp.module), layer_of(imp.target)
            if target < source:
                problems.append(f"{imp.module}:{imp.line}: imports {imp.target}, which is above it "
                                f"({LAYERS[source][0]} → {LAYERS[target][0]})")
    problems += [f"import cycle among {len(members)} modules: {', '.join(members)}" for members in cycles(graph)]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan): modules that import each other,
    directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


# --- The tree as it is --------------------------------------------------------------------------------------

def test_the_tree_keeps_its_layers_and_has_no_import_cycle():
    assert violations(ROOT) == []


def test_every_module_of_the_tree_has_a_layer():
    for path in source_files(ROOT):
        layer_of(module_name(path, ROOT))  # raises, naming the module, when it has none


# --- The checker itself: it must fail on the loop the house had before its layers (issue 10) -----------------

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def test_the_checker_finds_the_old_loop_between_the_app_and_notifications(tmp_path):
    """Before the move: the app factory registered notifications' blueprint, notifications' jobs imported the
    factory, and ``apply_act`` imported notifications' events inside the function."""
    root = _tree(tmp_path, {
        "workflow_app/__init__.py": """
            def create_app():
                __import__("notifications.web").web.init_app(None)
        """,
        "workflow_app/services/__init__.py": "",
        "workflow_app/services/plans.py": """
            def apply_act():
                from notifications.events import notify_transition
        """,
        "notifications/__init__.py": "",
        "notifications/events.py": "from workflow_app.services import plans\n",
        "notifications/web.py": "import workflow_app\n",
        "notifications/jobs.py": """
            def deliver():
                from workflow_app import create_app
        """,
    })
    found = violations(root, ("workflow_app", "notifications"))
    assert any("dynamic import of 'notifications.web'" in line for line in found)
    assert any(line.startswith("workflow_app.services.plans:3: imports notifications.events inside a function")
               for line in found)
    assert any("workflow_app.services.plans:3: imports notifications.events, which is above it "
               "(services → notifications)" in line for line in found)
    assert any(line.startswith("import cycle among") and "notifications.events" in line
               and "workflow_app.services.plans" in line for line in found)


def test_the_checker_finds_an_import_that_points_up_at_module_level(tmp_path):
    root = _tree(tmp_path, {
        "workflow_app/__init__.py": "",
        "workflow_app/models.py": "from workflow_app.services.plans import PLAN_GRAPH\n",
        "workflow_app/services/__init__.py": "",
        "workflow_app/services/plans.py": "PLAN_GRAPH = ()\n",
    })
    assert violations(root, ("workflow_app",)) == [
        "workflow_app.models:1: imports workflow_app.services.plans, which is above it (domain → services)"]


def test_the_checker_accepts_imports_that_point_down(tmp_path):
    root = _tree(tmp_path, {
        "state_machines/__init__.py": "",
        "state_machines/approval/pdt.py": "X = 1\n",
        "workflow_app/__init__.py": "",
        "workflow_app/models.py": "from state_machines.approval.pdt import X\n",
        "workflow_app/services/__init__.py": "",
        "workflow_app/services/plans.py": "from workflow_app.models import X\n",
        "notifications/__init__.py": "",
        "notifications/events.py": "from workflow_app.services import plans\nJOB = 'notifications.jobs.deliver'\n",
    })
    assert violations(root, ("state_machines", "workflow_app", "notifications")) == []


@pytest.mark.parametrize("top,known", [(ROOT / "workflow_app" / "services", "route/plans.py"),
                                       (ROOT / "state_machines", "approval/pdt.py"),
                                       (ROOT / "workflow_app" / "infra", "database/read_only.py")])
def test_no_folder_of_the_services_holds_more_than_fifteen_modules_side_by_side(top, known):
    """The services, the legal core and the plumbing are grouped by area (docs/ARCHITECTURE.md): a folder that grows
    past 15 modules is split."""
    crowded = {}
    for folder in [top, *(p for p in top.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > 15:
            crowded[str(folder.relative_to(ROOT))] = len(modules)
    assert crowded == {}
    assert (top / known).is_file()  # the walk above saw the real tree


def test_no_template_writes_an_expression_inside_another():
    """«{{ field(form.password, "Al menos {{ minimum }} caracteres") }}» shows the braces to the person: inside an
    expression a name is written as one (``"Al menos " ~ minimum``). QA, 7 December 2026, on the password forms."""
    nested = re.compile(r"\{[{%](?:(?![}%]\}).)*\{\{")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "workflow_app").rglob("*.html"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if nested.search(line)]
    assert found == []
