"""A strip above the content for what the person should know: errors, notices, the sample brain."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from store.display import printable

_STYLES = {
    "error": "background: #f6d6d3; color: #5a1410; border: 1px solid #d99a94;",
    "notice": "background: #fbefd0; color: #4a3400; border: 1px solid #e2c775;",
    "info": "background: #dbe7fb; color: #112a55; border: 1px solid #9db8e8;",
}
NO_BREAK_SPACE, WORD_JOINER = "\u00a0", "\u2060"


def unbroken(name: str) -> str:
    """`name` as one word to the line breaker: no break at its spaces, slashes or hyphens (a joiner between
    every two characters: it has no width)."""
    return WORD_JOINER.join(name.replace(" ", NO_BREAK_SPACE))


class MessageBar(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse,
                            textFormat=Qt.TextFormat.PlainText)  # a message may quote a name: never read as HTML
        close = QToolButton(text="✕", autoRaise=True, toolTip="Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = ""
        self._text = ""
        self._whole: tuple[str, ...] = ()
        self.hide()

    def show_message(self, text: str, kind: str = "info", whole: tuple[str, ...] = ()) -> None:
        """`whole`: names in `text` (a folder's path) that must never be broken across lines; one too long
        for the bar is shortened in its middle, and the tooltip holds the message in full."""
        self.kind = kind
        self.setStyleSheet(f"MessageBar {{ {_STYLES[kind]} border-radius: 4px; }} QLabel {{ color: inherit; }}")
        self.label.setStyleSheet(_STYLES[kind].split(";")[1] + ";")
        self._text = printable(text)  # one line that may name a note, and a name may hold any character
        self._whole = tuple(printable(name) for name in whole if name)
        self._lay_out()
        self.show()

    def _lay_out(self) -> None:
        shown = self._text
        width = self.label.contentsRect().width() if self.label.width() > 1 else 0
        for name in self._whole:
            fitted = name
            if width and self.label.fontMetrics().horizontalAdvance(name) > width:
                fitted = self.label.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, width)
            shown = shown.replace(name, unbroken(fitted))
        self.label.setText(shown)
        self.label.setToolTip(self._text if shown != self._text else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._whole:
            self._lay_out()

    def text(self) -> str:
        return self._text if self.isVisible() else ""
