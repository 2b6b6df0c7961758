"""Local build contexts: which files belong to an image, and the content hash that tags it.

The hash is the image tag on every platform, so an unchanged folder is never rebuilt and a changed
one always is, whether the image goes to local Docker or to ECR.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from components.spec.arg_reader import ArgReader

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


def parse_build_context(
    reader: ArgReader,
    context_field: str,
    context: str,
    *,
    sources_field: str,
    sources: Sequence[str] | None = None,
    dockerfile: str = DEFAULT_DOCKERFILE,
    dockerfile_field: str | None = None,
    name_each_source: bool = False,
) -> BuildContext:
    """Check a local build context and hash the files that decide a rebuild.

    `context` is the folder as the user wrote it; `sources` None means every file. Each error names
    the field the user wrote: a missing Dockerfile is the folder's (`context_field`) when the
    Dockerfile is implied (`dockerfile_field` None), and a glob that matches nothing is named on its
    own (`sources_field[index]`) with `name_each_source`, else as the whole `sources_field`.
    """
    folder = Path(context).resolve()
    if not folder.is_dir():
        raise reader.error(context_field, context, f"a folder that exists (resolved to {folder})")
    if not (folder / dockerfile).is_file():
        if dockerfile_field is None:
            raise reader.error(context_field, context, f"a folder containing a {dockerfile}")
        raise reader.error(dockerfile_field, dockerfile, f"a file inside {folder}")
    patterns = ALL_FILES if sources is None else tuple(sources)
    for index, pattern in enumerate(patterns):
        if not matching_files(folder, [pattern]):
            if name_each_source:
                raise reader.error(
                    f"{sources_field}[{index}]", pattern, f"a glob matching at least one file under {folder}"
                )
            raise reader.error(sources_field, pattern, f"globs that match at least one file under {folder}")
    # The Dockerfile always decides a rebuild, whatever `sources` says.
    files = matching_files(folder, [*patterns, dockerfile])
    return BuildContext(folder, dockerfile, patterns, content_hash(folder, files))
