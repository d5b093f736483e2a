"""Keep an uploaded file between the request that receives it and the requests that use it: an
import's upload → preview → confirmation. Both importers (work plan, Hub) use it.

- **Private.** Entries live in a storage of their own, never under `MEDIA_ROOT` or `STATIC_ROOT`
  and without a URL: `STORAGES["stash"]` when configured (e.g. a private bucket, so several app
  servers share it), else the folder `UPLOAD_STASH_ROOT` (default `var/stash/`, files 0600).
- **Unguessable.** An entry is reached only by its key: 256 random bits.
- **Bound to its uploader.** Entries are stored under `<purpose>/<user id>/<key>`; `get()` looks
  only in the asking user's folder for that purpose, so another user's key, or a key from the
  other importer, is simply not found.
- **Expiring.** An entry older than `UPLOAD_STASH_MAX_AGE` seconds is not found and is deleted;
  `prune()` deletes every expired entry: run `gcmhub prune-upload-stash` from cron (hourly), and
  every `put()` prunes the uploader's own expired entries.
- **Bounded.** `put()` refuses data over `UPLOAD_STASH_MAX_BYTES` (or the caller's lower limit), and
  a user keeps at most `UPLOAD_STASH_MAX_PER_USER` entries per purpose (the oldest go first).
- **Checked.** The data's SHA-256 is kept beside it and checked on every read.
"""

import datetime
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
PURPOSE_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


class StashError(Exception):
    pass


class StashNotFound(StashError):
    """No such entry for this user and purpose: unknown, someone else's, expired or damaged."""


class StashTooLarge(StashError):
    def __init__(self, max_bytes: int):
        super().__init__(f"more than {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class Stashed:
    key: str
    data: bytes
    filename: str
    created: datetime.datetime
    extra: dict = field(default_factory=dict)


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder that is never served: it has no URL."""

    def url(self, name):
        raise NotImplementedError("Stashed uploads are never served.")


def _inside(path: Path, folder) -> bool:
    if not folder:
        return False
    try:
        path.resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


def get_storage() -> Storage:
    if "stash" in settings.STORAGES:
        return storages["stash"]
    root = Path(settings.UPLOAD_STASH_ROOT)
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        folder = getattr(settings, name, None)
        if _inside(root, folder) or _inside(Path(folder or "/nonexistent"), root):
            raise ImproperlyConfigured(f"UPLOAD_STASH_ROOT ({root}) must not overlap {name} ({folder}).")
    return PrivateFileSystemStorage(
        location=root, base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def _folder(purpose: str, user) -> str:
    if not PURPOSE_RE.match(purpose):
        raise ValueError(f"bad stash purpose {purpose!r}")
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        raise ValueError("only a signed-in user can stash an upload")
    return f"{purpose}/{int(user.pk)}"


def _max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.UPLOAD_STASH_MAX_AGE)


def _read_meta(storage: Storage, name: str) -> dict | None:
    try:
        with storage.open(name) as f:
            meta = json.loads(f.read())
        meta["created"] = datetime.datetime.fromisoformat(meta["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return meta


def _delete(storage: Storage, folder: str, key: str) -> None:
    for suffix in ("json", "bin"):  # metadata first: without it the entry no longer exists
        name = f"{folder}/{key}.{suffix}"
        try:
            storage.delete(name)
        except (OSError, NotImplementedError):
            continue


def _entries(storage: Storage, folder: str) -> list[tuple[str, dict | None]]:
    """(key, metadata or None when unreadable) of every entry in `folder`."""
    try:
        _dirs, files = storage.listdir(folder)
    except (OSError, NotImplementedError):
        return []
    keys = {name.rsplit(".", 1)[0] for name in files if name.endswith((".json", ".bin"))}
    return [(key, _read_meta(storage, f"{folder}/{key}.json")) for key in sorted(keys) if KEY_RE.match(key)]


def _expired(storage: Storage, folder: str, key: str, meta: dict | None, limit: datetime.datetime) -> bool:
    if meta is not None:
        return meta["created"] < limit
    # Half-written or damaged: judged by the file's own age, so an upload in progress survives.
    for suffix in ("json", "bin"):
        try:
            return storage.get_modified_time(f"{folder}/{key}.{suffix}") < limit
        except (OSError, NotImplementedError):
            continue
    return True


def put(
    user, purpose: str, data: bytes, *, filename: str, extra: dict | None = None, max_bytes: int | None = None
) -> str:
    """Keep `data` for `user` under `purpose` (e.g. "workplan-import"); return its key.
    Raises StashTooLarge over `max_bytes` (at most UPLOAD_STASH_MAX_BYTES)."""
    limit = min(max_bytes or settings.UPLOAD_STASH_MAX_BYTES, settings.UPLOAD_STASH_MAX_BYTES)
    if len(data) > limit:
        raise StashTooLarge(limit)
    folder = _folder(purpose, user)
    storage = get_storage()
    now = timezone.now()
    entries = []
    for key, meta in _entries(storage, folder):
        if _expired(storage, folder, key, meta, now - _max_age()):
            _delete(storage, folder, key)
        else:
            entries.append((meta["created"] if meta else now, key))
    for _created, key in sorted(entries)[: max(0, len(entries) - settings.UPLOAD_STASH_MAX_PER_USER + 1)]:
        _delete(storage, folder, key)
    key = secrets.token_urlsafe(32)
    meta = {
        "filename": filename[:300],
        "created": now.isoformat(),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "user": user.pk,
        "extra": extra or {},
    }
    saved = storage.save(f"{folder}/{key}.bin", ContentFile(data))
    if saved != f"{folder}/{key}.bin":  # never expected: the key is new
        storage.delete(saved)
        raise StashError("the stash renamed a new entry")
    storage.save(f"{folder}/{key}.json", ContentFile(json.dumps(meta).encode()))
    return key


def get(user, purpose: str, key: str) -> Stashed:
    """The entry `key` that `user` stashed under `purpose`; StashNotFound otherwise (an expired or
    damaged entry is deleted)."""
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise StashNotFound
    folder = _folder(purpose, user)
    storage = get_storage()
    meta = _read_meta(storage, f"{folder}/{key}.json")
    if meta is None or meta.get("user") != user.pk:
        raise StashNotFound
    if meta["created"] < timezone.now() - _max_age():
        _delete(storage, folder, key)
        raise StashNotFound
    try:
        with storage.open(f"{folder}/{key}.bin") as f:
            data = f.read(meta["size"] + 1)
    except OSError:
        raise StashNotFound from None
    if len(data) != meta["size"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
        _delete(storage, folder, key)
        raise StashNotFound
    return Stashed(key=key, data=data, filename=meta["filename"], created=meta["created"], extra=meta["extra"])


def delete(user, purpose: str, key: str) -> None:
    if isinstance(key, str) and KEY_RE.match(key):
        _delete(get_storage(), _folder(purpose, user), key)


def prune(now: datetime.datetime | None = None) -> int:
    """Delete every expired (or damaged and old) entry of every purpose and user; return how many."""
    storage = get_storage()
    limit = (now or timezone.now()) - _max_age()
    count = 0
    try:
        purposes, _files = storage.listdir("")
    except (OSError, NotImplementedError):
        return 0
    for purpose in purposes:
        if not PURPOSE_RE.match(purpose):
            continue
        users, _files = storage.listdir(purpose)
        for user_id in users:
            folder = f"{purpose}/{user_id}"
            for key, meta in _entries(storage, folder):
                if _expired(storage, folder, key, meta, limit):
                    _delete(storage, folder, key)
                    count += 1
    return count
