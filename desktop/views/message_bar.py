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
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        self.setStyleSheet(f"MessageBar {{ {_STYLES[kind]} border-radius: 4px; }} QLabel {{ color: inherit; }}")
        self.label.setStyleSheet(_STYLES[kind].split(";")[1] + ";")
        self.label.setText(printable(text))  # one line that may name a note, and a name may hold any character
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
