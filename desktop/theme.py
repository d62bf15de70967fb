"""Light and dark palettes that follow the system's color scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_LIGHT = {
    "Window": "#f4f4f6", "WindowText": "#1d1d22", "Base": "#ffffff", "AlternateBase": "#f0f0f4", "Text": "#1d1d22",
    "Button": "#ececf0", "ButtonText": "#1d1d22", "Highlight": "#3d6fd9", "HighlightedText": "#ffffff", "Link": "#2c5fcc",
    "PlaceholderText": "#6e6e78", "Mid": "#c8c8d0", "ToolTipBase": "#ffffe8", "ToolTipText": "#1d1d22",
}
_DARK = {
    "Window": "#25262b", "WindowText": "#e6e6ea", "Base": "#1c1d21", "AlternateBase": "#2a2b31", "Text": "#e6e6ea",
    "Button": "#303138", "ButtonText": "#e6e6ea", "Highlight": "#4a7be6", "HighlightedText": "#ffffff", "Link": "#8fb3ff",
    "PlaceholderText": "#9a9aa6", "Mid": "#44454d", "ToolTipBase": "#303138", "ToolTipText": "#e6e6ea",
}


def is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def palette(dark: bool) -> QPalette:
    result = QPalette()
    for role, color in (_DARK if dark else _LIGHT).items():
        result.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    disabled = QColor("#7a7a84")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return result


def apply_theme(app: QApplication, on_change=None) -> None:
    """Fusion with our palette, light or dark as the system says; again whenever it changes."""
    app.setStyle("Fusion")
    app.setPalette(palette(is_dark()))

    def changed(_scheme) -> None:
        app.setPalette(palette(is_dark()))
        if on_change:
            on_change()

    QGuiApplication.styleHints().colorSchemeChanged.connect(changed)
