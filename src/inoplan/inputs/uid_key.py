"""The site key that makes calendar UIDs unguessable.

A calendar ``UID`` must be stable (the same plan exported again, or re-planned,
updates its events instead of doubling them) yet must not reveal the patient
id. A plain hash of the id is stable but not secret: ids are short and
structured (``MRN-000000`` to ``MRN-999999``), so hashing every candidate finds
the one behind a UID in about a second. inoplan therefore keys the hash
(HMAC-SHA256) with a secret of the site's own:

- ``INOPLAN_UID_KEY``, when set: at least :data:`MIN_KEY_CHARS` characters
  (such as the output of ``openssl rand -hex 32``), for a clinic whose
  computers must give the same UIDs, or for scripts and tests;
- otherwise the file ``inoplan/uid-key`` under ``$XDG_CONFIG_HOME`` (or
  ``~/.config``), made with 64 random hex digits and mode ``0600`` the first
  time a calendar is written.

The key is never written into any output or message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from inoplan.domain.errors import InputError

ENV_VAR = "INOPLAN_UID_KEY"
FILE_NAME = "uid-key"
MIN_KEY_CHARS = 32
_MAX_FILE_BYTES = 4096
_HINT = f"give at least {MIN_KEY_CHARS} characters, such as the output of `openssl rand -hex 32`"


def key_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the key file lives: ``$XDG_CONFIG_HOME/inoplan/uid-key`` or ``~/.config/...``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME", "")
    # The XDG spec: a relative path is invalid and is ignored.
    folder = Path(base) if os.path.isabs(base) else Path.home() / ".config"
    return folder / "inoplan" / FILE_NAME


def _checked(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_CHARS:
        raise InputError(where, f"the key is too short; {_HINT}")
    return key


def load(env: Mapping[str, str] | None = None) -> bytes:
    """The site key: ``INOPLAN_UID_KEY``, else the key file, made on first use."""
    env = os.environ if env is None else env
    text = env.get(ENV_VAR)
    if text is not None:
        key = text.strip()
        if not key:
            raise InputError(ENV_VAR, f"empty; unset it to use the key file, or {_HINT}")
        return _checked(key.encode("utf-8", "surrogateescape"), ENV_VAR)
    path = key_path(env)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    _create(path)
    return _read(path)


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as e:
        raise InputError(
            ENV_VAR, f"the key file {str(path)!r} cannot be read: {e.strerror}"
        ) from None
    if len(data) > _MAX_FILE_BYTES:
        raise InputError(ENV_VAR, f"the key file {str(path)!r} is too long to be a key")
    return _checked(data.strip(), f"{ENV_VAR} (the key file {str(path)!r})")


def _create(path: Path) -> None:
    """A new random key, private to this user; another process may win the race."""
    import secrets

    from inoplan.files import atomic_write

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(
            ENV_VAR, f"cannot create the folder {str(path.parent)!r} for the key: {e.strerror}"
        ) from None
    key = secrets.token_hex(32).encode("ascii") + b"\n"
    try:
        atomic_write(path, key, force=False, field=ENV_VAR, mode=0o600)
    except InputError:
        if not path.exists():  # not another process's key made meanwhile: a real failure
            raise
