"""Local build contexts: which files belong to an image, and the content hash that tags it.

The hash is the image tag on every platform, so an unchanged folder is never rebuilt and a changed
one always is, whether the image goes to local Docker or to ECR.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DOCKERFILE = "Dockerfile"
ALL_FILES = ("**/*",)


@dataclass(frozen=True)
class BuildContext:
    """A folder to build an image from, with the hash of the files that decide a rebuild."""

    path: Path
    dockerfile: str
    sources: tuple[str, ...]
    content_hash: str

    @property
    def tag(self) -> str:
        return self.content_hash[:16]


def is_local_path(image: str) -> bool:
    """Whether an `image` value names a folder rather than a registry reference."""
    return image.startswith((".", "/"))


def matching_files(context: Path, patterns: Sequence[str]) -> list[Path]:
    """Files under `context` matched by any glob in `patterns`, sorted, without duplicates."""
    found = {p for pattern in patterns for p in context.glob(pattern) if p.is_file()}
    return sorted(found, key=lambda p: p.relative_to(context).as_posix())


def content_hash(context: Path, files: Sequence[Path]) -> str:
    """SHA-256 over each file's path (relative to the context) and bytes."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(context).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
