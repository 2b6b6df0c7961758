"""Helpers shared by test modules (no test module imports another): Pulumi mocks runners, offline
validators, and example programs used by several test files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
"""The repository root."""
