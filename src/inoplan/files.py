"""Writing results: to stdout for ``-``, otherwise atomically to a file or a folder.

This is inoplan's one writer. A file is written to a temporary file in the
target folder, flushed to disk, then moved into place, so an interrupted run
(Ctrl-C, SIGTERM, a full disk) leaves neither a partial file nor the temporary
one. An existing file is replaced only with ``force``, and only if it is a
regular file (or a symbolic link to one, which then keeps pointing at the new
content): a FIFO, a device or a folder is never replaced.

Permissions: a new file gets the usual ``0666`` less the umask, as a shell
redirection would; a replaced file keeps its permission bits.

A whole folder (``inoplan batch --out``) is built in a hidden staging folder
beside it and moved into place at the end by :class:`StagedFolder`, so the
folder is either the complete new run or exactly as it was. Its files are
flushed to disk once, all together, just before the move (:func:`sync_tree`),
rather than one ``fsync`` per file: the staging folder has no name a reader
knows until then, so nothing can see a file before it is on disk.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from inoplan.domain.errors import InputError
from inoplan.fs_ops import RENAME_EXCHANGE, RENAME_NOREPLACE, Lock, renameat2

STDOUT = "-"
NEW_FILE_MODE = 0o666  # less the umask
NEW_FOLDER_MODE = 0o777  # less the umask

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _existing(target: Path, path: str, field: str) -> os.stat_result | None:
    """The status of the regular file at ``target`` (a link followed), ``None`` if none.

    Refuses anything else that has the name: a folder, a FIFO, a device, a
    socket, or a symbolic link to one of them or to nothing.
    """
    try:
        st = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.lexists(target):
            raise InputError(
                field, f"{path} is a symbolic link to nothing; inoplan replaces only regular files"
            ) from None
        return None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(field, f"{path} is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        link = " (through a symbolic link)" if os.path.islink(target) else ""
        raise InputError(
            field,
            f"{path} is {_kind(st.st_mode)}{link}; inoplan writes only regular files "
            "(give a file name, or - for standard output)",
        )
    return st


def check_target(path: str, force: bool, field: str = "--output") -> Path | None:
    """Refuse early what :func:`write_output` would refuse, before any work is done.

    Returns the path, or ``None`` for stdout.
    """
    if path == STDOUT:
        if sys.stdout is None:  # started with stdout closed (>&-)
            raise InputError(field, "standard output is closed; give a file name")
        return None
    if not path:
        raise InputError(field, "empty; give a file name, or - for standard output")
    if "\x00" in path:
        raise InputError(field, f"{path!r} cannot be used: a file name cannot hold a NUL")
    target = Path(path)
    try:
        existing = _existing(target, path, field)
        parent = target.parent
        if not parent.is_dir():
            raise InputError(field, f"folder {str(parent)!r} does not exist")
        if existing is not None and not force:
            raise InputError(field, f"{path} exists; use --force to overwrite it")
    except (OSError, ValueError) as e:  # a name too long, a NUL byte, no permission
        raise InputError(field, f"{path!r} cannot be used: {_reason(e)}") from None
    return target


def _reason(e: Exception) -> str:
    return (e.strerror if isinstance(e, OSError) else None) or str(e)


def atomic_write(
    target: Path, data: bytes, force: bool, field: str = "--output", mode: int | None = None
) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder.

    Whatever happens (a full disk, no permission, Ctrl-C), either ``target``
    holds all of ``data`` or it is as it was, and no temporary file remains.
    With ``force`` an existing regular file is replaced and keeps its
    permission bits (through a symbolic link, the file it points to is
    replaced); anything else of that name is refused. A new file gets ``mode``,
    or by default ``0666`` less the umask.
    """
    keep: int | None = None
    try:
        existing = _existing(target, str(target), field)
        if existing is not None:
            if not force:
                raise InputError(field, f"{target} exists; use --force to overwrite it")
            keep = stat.S_IMODE(existing.st_mode) & 0o777
            target = Path(os.path.realpath(target))
    except (OSError, ValueError) as e:
        raise InputError(field, f"cannot write {target}: {_reason(e)}") from None
    # The temporary name is chosen before the file exists, so that an interrupt
    # at any point leaves a name the clean-up below knows. Private (0600) until
    # written, then given its final mode; created only if no file has that name.
    tmp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
    ours: str | None = tmp  # what the clean-up may remove
    try:
        try:
            private = keep is not None or mode is not None
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
            fd = os.open(tmp, flags, 0o600 if private else NEW_FILE_MODE)
        except FileExistsError:
            ours = None  # not ours: leave it alone
            raise
        with os.fdopen(fd, "wb") as fh:
            final = mode if mode is not None else keep
            if final is not None:
                os.fchmod(fh.fileno(), final)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, target)
        else:
            # link() fails if the target appeared meanwhile: never clobber silently.
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise InputError(field, f"{target} exists; use --force to overwrite it") from None
            except OSError:
                # File systems without hard links: fall back to a checked rename.
                if os.path.lexists(target):
                    raise InputError(
                        field, f"{target} exists; use --force to overwrite it"
                    ) from None
                os.replace(tmp, target)
    except (OSError, ValueError) as e:
        raise InputError(field, f"cannot write {target}: {_reason(e)}") from None
    finally:
        if ours is not None and os.path.lexists(ours):
            os.unlink(ours)


def write_output(path: str, text: str | bytes, force: bool, field: str = "--output") -> None:
    """Send ``text`` to stdout (``-``) or atomically to the file ``path``."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    target = check_target(path, force, field)
    if target is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            sys.stdout.flush()
            buffer.write(data)
            buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        return
    atomic_write(target, data, force, field)


# --- a whole folder at once ------------------------------------------------------------


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a few steps that must not be cut run.

    A signal that arrives meanwhile is delivered when the block ends. The
    signals are caught by a handler that only records them, rather than
    blocked with ``pthread_sigmask``: a mask holds only the calling thread,
    and a process with other threads (a worker pool's manager, a test
    runner's) would still run the Python handler in the middle of the block.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set from the main thread, where signals arrive
        return
    caught: list[int] = []

    def record(signum: int, frame: object) -> None:
        caught.append(signum)

    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, record) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if caught:
            signal.raise_signal(caught[0])


class StagedFolder:
    """Build a folder beside ``target`` and move it into place whole, or not at all.

    ``with StagedFolder(target, force, is_own) as staging:`` yields a new empty
    folder next to ``target`` to fill. When the block ends normally, the
    staging folder becomes ``target``; when it ends by an exception (an input
    error, a full disk, Ctrl-C, SIGTERM), the staging folder is removed and
    ``target`` is exactly as it was. Rules for an existing ``target``:

    - missing: created (missing parent folders too); an empty folder: filled;
    - a folder ``is_own`` recognises (an earlier run): replaced whole with
      ``force`` (an atomic exchange where Linux offers one, else two renames
      in a row), refused without;
    - anything else (a file, a folder holding other things): refused, even
      with ``force``, so a mistyped ``--out`` can never delete someone's files.

    A replaced folder's permission bits are kept; a new one gets ``0777`` less
    the umask. A lock file beside ``target`` refuses a second run into the
    same folder while the first is under way. Hidden leftovers of a run that
    was killed outright (SIGKILL, power loss) are removed by the next run.
    """

    def __init__(
        self,
        target: Path,
        force: bool,
        is_own: Callable[[Path], bool],
        field: str = "--out",
    ) -> None:
        self.shown = str(target)
        self.force = force
        self.is_own = is_own
        self.field = field
        self.path = Path(os.path.realpath(target))
        stem = f".{self.path.name}.inoplan-"
        self._prefix = stem
        self._lock = Lock(self.path.parent / f"{stem}lock")
        self.staging: Path | None = None
        self._made: list[Path] = []  # parent folders this run created

    # -- checks ---------------------------------------------------------------------

    def _state(self) -> tuple[str, int | None]:
        """``("missing"|"empty"|"own", mode to keep)``; refuses anything else."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return "missing", None
        if not stat.S_ISDIR(st.st_mode):
            raise InputError(self.field, f"{self.shown!r} is not a folder")
        mode = stat.S_IMODE(st.st_mode) & 0o777
        with os.scandir(self.path) as entries:
            if next(entries, None) is None:
                return "empty", mode
        if not self.is_own(self.path):
            raise InputError(
                self.field,
                f"{self.shown!r} is not empty and holds no earlier inoplan batch run; give a "
                "new or empty folder (--force replaces only an earlier run)",
            )
        if not self.force:
            raise InputError(
                self.field,
                f"{self.shown!r} holds an earlier run; use --force to replace it whole, or "
                "choose another folder",
            )
        return "own", mode

    def _fail(self, e: OSError, doing: str) -> InputError:
        return InputError(
            self.field, f"cannot {doing} {self.shown!r}: {_reason(e)}; it was left as it was"
        )

    # -- the steps ------------------------------------------------------------------

    def __enter__(self) -> Path:
        parent = self.path.parent
        if self.path == parent or not self.path.name:
            raise InputError(self.field, f"{self.shown!r} cannot be replaced; give a subfolder")
        try:
            missing = []
            folder = parent
            while not os.path.lexists(folder):
                missing.append(folder)
                folder = folder.parent
            for folder in reversed(missing):
                os.mkdir(folder, NEW_FOLDER_MODE)
                self._made.append(folder)
            if not self._lock.acquire():
                raise InputError(
                    self.field,
                    f"another inoplan batch is writing into {self.shown!r} now; wait for it "
                    "to finish, or choose another folder",
                )
            self._remove_leftovers()
            _, mode = self._state()
            staging = parent / f"{self._prefix}staging-{os.urandom(6).hex()}"
            os.mkdir(staging, NEW_FOLDER_MODE)
            self.staging = staging
            if mode is not None:
                os.chmod(staging, mode)
        except BaseException as e:
            with signals_deferred():
                self._abandon()
            if isinstance(e, OSError):
                raise self._fail(e, "write") from None
            raise
        return staging

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with signals_deferred():
            if exc_type is None:
                try:
                    self._commit()
                except OSError as e:
                    self._abandon()
                    raise self._fail(e, "write") from None
                except BaseException:
                    self._abandon()
                    raise
                self._release()
            else:
                self._abandon()

    def _commit(self) -> None:
        assert self.staging is not None
        # Its files, names and subfolders on disk before it takes the target's: the
        # one durability barrier of the run (writers into the staging folder need none).
        sync_tree(self.staging)
        state, _ = self._state()  # again: the folder may have changed meanwhile
        if state == "missing":
            if not renameat2(self.staging, self.path, RENAME_NOREPLACE):
                os.rename(self.staging, self.path)  # pragma: no cover - not Linux
        elif state == "empty":
            os.rename(self.staging, self.path)  # replaces an empty folder
        elif renameat2(self.staging, self.path, RENAME_EXCHANGE):
            _remove_tree(self.staging)  # the earlier run, swapped out in one step
        else:  # pragma: no cover - a file system without an atomic exchange
            old = self.path.parent / f"{self._prefix}old-{os.urandom(6).hex()}"
            os.rename(self.path, old)
            try:
                os.rename(self.staging, self.path)
            except BaseException:
                os.rename(old, self.path)
                raise
            _remove_tree(old)
        self.staging = None
        _fsync_folder(self.path.parent)

    def _abandon(self) -> None:
        """Remove what this run made; ``target`` stays as it was."""
        if self.staging is not None:
            _remove_tree(self.staging)
            self.staging = None
        self._release()
        for folder in reversed(self._made):
            try:
                os.rmdir(folder)
            except OSError:  # pragma: no cover - someone put something there meanwhile
                break
        self._made = []

    def _release(self) -> None:
        self._lock.release()

    def _remove_leftovers(self) -> None:
        """Staging folders of runs killed outright into this target (under the lock)."""
        names = (f"{self._prefix}staging-", f"{self._prefix}old-")
        with os.scandir(self.path.parent) as entries:
            stale = [e.path for e in entries if e.name.startswith(names)]
        for path in stale:
            if os.path.isdir(path) and not os.path.islink(path):
                _remove_tree(Path(path))


def sync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to disk, as one barrier.

    On Linux, one ``syncfs`` of the file system that holds ``folder``: a
    single journal commit for thousands of files, where an ``fsync`` each
    costs one commit per file. Elsewhere, or where ``syncfs`` is missing,
    each file and then each folder is flushed on its own. An error (a full
    disk found only now, an I/O error) raises :class:`OSError`.
    """
    if _syncfs(folder):
        return
    for root, _dirs, names in os.walk(folder):
        for name in names:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_folder(Path(root))


def _syncfs(folder: Path) -> bool:
    """Linux ``syncfs`` of the file system of ``folder``; ``False`` where there is none."""
    if not sys.platform.startswith("linux"):  # pragma: no cover - not Linux
        return False
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # pragma: no cover - a C library without it
        return False
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    fd = os.open(folder, os.O_RDONLY)
    try:
        if fn(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(folder))
    finally:
        os.close(fd)
    return True


def _fsync_folder(path: Path) -> None:
    """Flush a folder's entries to disk, where the system allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not openable (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
