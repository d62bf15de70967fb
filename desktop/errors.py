"""Errors in words a MOPs leader understands, shown in the window; details go to a log file."""

from __future__ import annotations

import logging
import logging.handlers

from store.display import printable
from store.errors import SubstrateError, index_error
from store.locations import data_dir

log = logging.getLogger("substrate")


def log_path():
    return data_dir() / "substrate.log"


def start_logging() -> None:
    try:
        data_dir().mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(log_path(), maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return  # no log file is no reason not to start
    handler.setFormatter(_Printable("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)


class _Printable(logging.Formatter):
    """Log lines that name files show them harmlessly to whoever reads the log in a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(map(printable, super().format(record).split("\n")))


def describe(exc: BaseException, doing: str = "") -> str:
    """One or two sentences: what went wrong and what to do; never a traceback. Names in it are `printable`."""
    return printable(_describe(exc, doing))


def _describe(exc: BaseException, doing: str) -> str:
    if isinstance(exc, SubstrateError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"Substrate is not allowed to read or write {exc.filename or 'a file it needs'}. Check the folder's permissions."
    if isinstance(exc, OSError):
        return f"{exc.strerror or 'A file could not be used'}: {exc.filename or ''}".strip(": ")
    if (known := index_error(exc)) is not None:
        return str(known)
    log.error("unexpected error%s", f" while {doing}" if doing else "", exc_info=(type(exc), exc, exc.__traceback__))
    where = f" while {doing}" if doing else ""
    return f"Something unexpected went wrong{where}. Your notes are untouched. The details are in {log_path()}."
