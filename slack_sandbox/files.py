"""Files uploaded the way Slack wants today: getUploadURLExternal → POST the bytes → completeUploadExternal.

The upload URL points at the fake itself (``/upload/<file id>``); the bytes are kept so tests (and the
browser sandbox, through ``/files/<file id>``) can look at what the bot sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_FILE = 5 * 1024 * 1024


@dataclass
class StoredFile:
    id: str
    filename: str
    length: int
    user: str
    alt_txt: str = ""
    title: str = ""
    content: bytes | None = None
    complete: bool = False
    channels: tuple[str, ...] = ()

    @property
    def mimetype(self) -> str:
        return (
            "image/png"
            if self.content and self.content.startswith(b"\x89PNG")
            else "application/octet-stream"
        )

    def to_dict(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": self.mimetype,
            "filetype": "png" if self.mimetype == "image/png" else "binary",
            "size": len(self.content or b""),
            "user": self.user,
            "alt_txt": self.alt_txt,
            "url_private": f"{base_url}/files/{self.id}",
            "channels": list(self.channels),
        }


class FileStore:
    """FakeSlack serialises access, so no locking here."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._count = 0

    def reserve(self, filename: str, length: int, user: str, alt_txt: str = "") -> StoredFile:
        self._count += 1
        stored = StoredFile(
            id=f"F{self._count:08d}", filename=filename, length=length, user=user, alt_txt=alt_txt
        )
        self._files[stored.id] = stored
        return stored

    def receive(self, file_id: str, content: bytes) -> str | None:
        """The upload POST: None when accepted, else the error Slack's upload host would give."""
        stored = self._files.get(file_id)
        if stored is None or stored.complete:
            return "file_not_found"
        if len(content) != stored.length:
            return "length_mismatch"
        stored.content = content
        return None

    def get(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def all(self) -> list[StoredFile]:
        return [f for f in self._files.values() if f.complete]
