"""The sim container props of a spec's `Hardening` (Docker's --read-only and --user)."""

from components.spec.hardening import Hardening


def hardening_props(hardening: Hardening) -> dict[str, object]:
    """Only the options a workload set: a container made before they existed keeps its props, so an
    upgrade of this package replaces no container."""
    props: dict[str, object] = {}
    if hardening.read_only_root_filesystem:
        props["read_only_root_filesystem"] = True
    if hardening.run_as_user is not None:
        props["user"] = str(hardening.run_as_user)
    return props
