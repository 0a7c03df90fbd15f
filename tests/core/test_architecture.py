"""The house's shape: no import circles among our modules, and dependencies that point one way."""

from __future__ import annotations

import grimp

APPS = ["core", "accounts", "appeals", "notes", "portal"]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), i.e. import circles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(module: str) -> None:
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_in_a_circle():
    graph = grimp.build_graph(*APPS, include_external_packages=False)
    assert _cycles(graph) == []


def test_apps_import_only_apps_to_their_left():
    graph = grimp.build_graph(*APPS, include_external_packages=False)
    order = {app: position for position, app in enumerate(APPS)}
    against = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if order[imported.split(".")[0]] > order[module.split(".")[0]]
    )
    assert against == []
