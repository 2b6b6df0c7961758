"""`ClusterArgs`: options of a Cluster, by platform. The sim platform needs none."""

from typing import TypedDict


class ClusterArgs(TypedDict, total=False):
    """Options of a Cluster; each platform reads its own and ignores the others'."""
