"""How a container's process is confined beyond what every platform always does: a read-only root
filesystem and a fixed non-root user. Both are opt-in, because only the image's author knows whether
it writes outside its volumes or needs root to start (official nginx and postgres images do both).

Read by `Workload` (top-level keys) and by each `ContainerWorkload` container (the same keys there).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.spec.arg_reader import ArgReader

FIELDS = ("read_only_root_filesystem", "run_as_user")
DEFAULT_READ_ONLY_ROOT_FILESYSTEM = False
# Linux user ids are 32-bit; Kubernetes' runAsUser and Docker's --user accept the same range. 0 is
# root, which `run_as_user` exists to avoid: leave it out to run as the image's USER.
MAX_UID = 2_147_483_647
UID_RULE = f"an integer user id from 1 to {MAX_UID} (not 0: leave it out to run as the image's USER)"


@dataclass(frozen=True)
class Hardening:
    read_only_root_filesystem: bool
    run_as_user: int | None


NONE = Hardening(read_only_root_filesystem=DEFAULT_READ_ONLY_ROOT_FILESYSTEM, run_as_user=None)


def parse_hardening(reader: ArgReader, prefix: str, raw: Mapping[str, Any]) -> Hardening:
    """The hardening keys of `raw` (a Workload's args or one container's), named `prefix` + key."""
    uid = raw.get("run_as_user")
    if uid is not None:
        uid = reader.plain(f"{prefix}run_as_user", uid)
        if isinstance(uid, bool) or not isinstance(uid, int) or not 1 <= uid <= MAX_UID:
            raise reader.error(f"{prefix}run_as_user", uid, UID_RULE)
    return Hardening(
        read_only_root_filesystem=reader.boolean(
            f"{prefix}read_only_root_filesystem",
            raw.get("read_only_root_filesystem", DEFAULT_READ_ONLY_ROOT_FILESYSTEM),
        ),
        run_as_user=uid,
    )
