"""The layers import only downwards: args -> spec -> platform -> resources, with renderers that are
pure functions (no Pulumi, no Docker, no AWS SDK) and dynamic providers that never import the
components (their pickled code must load in the provider process on its own)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level modules it must never import
FORBIDDEN = {
    "components/render": (
        "pulumi",
        "pulumi_aws",
        "pulumi_kubernetes",
        "docker",
        "boto3",
        "components.platforms",
    ),
    "components/spec": (
        "pulumi_aws",
        "pulumi_kubernetes",
        "docker",
        "boto3",
        "components.platforms",
        "components.render",
    ),
    "sim_provider": ("components", "pulumi_aws", "pulumi_kubernetes"),
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in imported_modules(path)
        if any(module == banned or module.startswith(banned + ".") for banned in FORBIDDEN[package])
    }
    assert not offending
