"""Deploy or destroy a stack of this project through Pulumi's Automation API, and print its URLs.

    python scripts/stack.py up [STACK]        # default stack: sim
    python scripts/stack.py destroy [STACK]

Uses the local file backend and passphrase secrets that scripts/setup.sh configures (.tools/env.sh),
so no login is ever asked.
"""

import sys
from pathlib import Path

from pulumi import automation as auto

ROOT = Path(__file__).resolve().parent.parent


def select_stack(name: str, work_dir: Path = ROOT) -> auto.Stack:
    return auto.create_or_select_stack(
        stack_name=name,
        work_dir=str(work_dir),
        opts=auto.LocalWorkspaceOptions(secrets_provider="passphrase"),
    )


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[1] not in ("up", "destroy"):
        print(__doc__, file=sys.stderr)
        return 2
    stack = select_stack(argv[2] if len(argv) == 3 else "sim")
    try:
        if argv[1] == "destroy":
            stack.destroy(on_output=print)
            return 0
        result = stack.up(on_output=print)
    except auto.CommandError as error:
        print(f"\n{argv[1]} failed: {error}", file=sys.stderr)
        return 1
    print()
    for key, output in sorted(result.outputs.items()):
        if key.endswith("url") and output.value:
            print(f"{key}: {output.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
