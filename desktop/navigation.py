"""Back and forward through the notes read, as a browser goes through pages."""

from __future__ import annotations


class History(list):
    """The notes read, oldest first, and where the person stands among them (`position`, -1 before any)."""

    def __init__(self):
        super().__init__()
        self.position = -1

    @property
    def current(self) -> str | None:
        return self[self.position] if 0 <= self.position < len(self) else None

    @property
    def can_go_back(self) -> bool:
        return self.position > 0

    @property
    def can_go_forward(self) -> bool:
        return self.position < len(self) - 1

    def go(self, path: str) -> bool:
        """Read `path` next: what lay ahead is dropped. False when it is the note read now."""
        if not path or path == self.current:
            return False
        del self[self.position + 1 :]
        self.append(path)
        self.position = len(self) - 1
        return True

    def back(self) -> str | None:
        if not self.can_go_back:
            return None
        self.position -= 1
        return self.current

    def forward(self) -> str | None:
        if not self.can_go_forward:
            return None
        self.position += 1
        return self.current

    def renamed(self, old: str, new: str) -> None:
        self[:] = [new if path == old else path for path in self]

    def restart(self) -> None:
        self.clear()
        self.position = -1
