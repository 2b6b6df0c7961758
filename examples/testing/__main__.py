"""The program Pulumi runs: everything is in `infra`, so tests can import it too."""

import infra  # noqa: F401
