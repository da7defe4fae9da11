"""Writing outputs so that a failure never leaves a half-written file or folder behind."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

from canvasdraw.errors import UserError

TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")  # write_atomic's file before its rename


def remove_stale_temporaries(folder: Path) -> None:
    """Deletes what write_atomic left half-written in `folder` when a process was killed mid-write."""
    for path in folder.iterdir() if folder.is_dir() else ():
        if TEMPORARY.match(path.name) and path.is_file():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Writes `data` to `path` through a temporary file in the same folder, then renames it.
    Missing parent folders are created (every command's -o works the same way)."""
    path = Path(path)
    _make_parents(path)
    payload = data.encode() if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # The kernel applies the umask to 0o666 (mkstemp's 0o600 would need a chmod, and reading the
    # umask means setting it, which races with other threads).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_creatable(path: Path, itself: str) -> None:
    """A UserError now, rather than after the work, when a file stands where the folder `path`
    or one of the folders above it would have to be; `itself` is the message when `path` is one."""
    for place in (path, *path.parents):
        if place.exists():
            if not place.is_dir():
                raise UserError(itself if place == path else f"cannot create {path}: {place} is a file")
            return


def _make_parents(path: Path) -> None:
    """Creates the folders above `path`; a file in the way is a UserError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UserError(f"cannot write {path}: a file stands where a folder is needed") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def new_folder(path: str | Path):
    """Yields a temporary folder that becomes `path` only if the block succeeds.

    `path` must not exist yet (or be an empty folder); on any error nothing is left behind.
    """
    path = Path(path)
    check_creatable(path, f"{path} is a file: -o names the output folder")
    if path.exists() and any(path.iterdir()):
        raise UserError(f"output folder {path} already exists and is not empty")
    _make_parents(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial"))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        if path.exists():
            path.rmdir()
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
