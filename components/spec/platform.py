"""The platforms a stack can deploy to (the `containers:platform` stack config)."""

from enum import StrEnum


class Platform(StrEnum):
    SIM = "sim"
    EKS = "eks"
    ECS = "ecs"
    KUBERNETES = "kubernetes"
