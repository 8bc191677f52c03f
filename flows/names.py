"""A file's name as data: shown, stored and logged safely, whatever bytes it holds.

The file system allows any bytes but "/" and NUL in a name: bytes that are not UTF-8 (a zip
made on Windows, extracted on Linux), newlines, terminal escape sequences. Python keeps the
undecodable bytes as lone surrogates (``surrogateescape``), which DuckDB, loggers and
workbooks cannot take. The file is read by its exact ``Path``; everywhere else (the ledger,
logs, summaries, workbooks) it goes by :func:`display_name`: each undecodable byte and each
control character written as a ``\\xNN`` escape (``\\uNNNN`` above U+00FF), so that
nothing can forge a line or colour a terminal. :func:`path_name` turns a display name back
into the name on disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

# Characters escaped in a display: C0 and C1 controls, DEL, line and paragraph separators,
# and the invisible format characters (bidirectional overrides can disguise an extension).
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def display_name(name: str | PurePath) -> str:
    """The name as it is stored and shown: valid UTF-8, one line, no control character.

    ``b"b\\xe1o c\\xe1o.csv"`` → ``b\\xe1o c\\xe1o.csv``; ``"a\\nb"`` → ``a\\x0ab``;
    ``"\\x1b[31m"`` → ``\\x1b[31m``. A name that needs no escape is returned as it is.
    """
    text = name.as_posix() if isinstance(name, PurePath) else str(name)
    if text.isprintable() and text.isascii():
        return text
    return "".join(
        _escape(ch) if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in text
    )


def path_name(display: str) -> str:
    """The name on disk a display name stands for (the inverse of :func:`display_name`)."""

    def back(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(0xDC00 + code) if code >= 0x80 else chr(code)
        return chr(int(match.group(2), 16))

    return _ESCAPE.sub(back, display)


def path_of(root: Path, display: str) -> Path:
    """The file a display name (relative to ``root``) stands for."""
    return root / path_name(display)


def safe_stem(name: str, max_bytes: int = 96, hash_chars: int = 8) -> str:
    """A file-name stem made of letters, digits, "_", "." and "-" (Vietnamese letters kept),
    at most ``max_bytes`` of UTF-8: a longer one is cut and given a short hash of the whole
    name, so two long names that share a beginning stay apart. Never empty."""
    text = name.as_posix() if isinstance(name, PurePath) else path_name(name)
    last = re.split(r"[/\\]", text)[-1]  # a Windows path's last part too
    stem = unicodedata.normalize("NFC", display_name(PurePath(last).stem if last else ""))
    safe = re.sub(r"[^\w.-]+", "_", stem).strip("._")  # \w keeps Vietnamese letters
    safe = re.sub(r"\.{2,}", ".", safe) or "tep"
    if len(safe.encode("utf-8")) <= max_bytes:
        return safe
    digest = hashlib.sha256(os.fsencode(text)).hexdigest()
    cut = safe.encode("utf-8")[: max_bytes - hash_chars - 1].decode("utf-8", "ignore")
    return f"{cut.rstrip('._')}_{digest[:hash_chars]}"


def is_utf8(path: PurePath) -> bool:
    """Whether the path's bytes are UTF-8 (readers written in Rust, polars', need that)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable_alias(path: Path) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    """A UTF-8 path to the same file: ``path`` itself, or, for a name that is not UTF-8, a
    link to its exact path in a new temporary folder (returned, for the caller to clean up)
    named by the file's (displayable) suffix, so the reader sees the same type."""
    if is_utf8(path):
        return path, None
    folder = tempfile.TemporaryDirectory(prefix="vlpipe-name-")
    suffix = display_name(path.suffix)
    alias = Path(folder.name) / f"file{suffix if is_utf8(PurePath(suffix)) else ''}"
    os.symlink(os.fsencode(path.absolute()), os.fsencode(alias))
    return alias, folder


@contextmanager
def readable_path(path: Path) -> Iterator[Path]:
    """:func:`readable_alias` for the length of a ``with`` block."""
    alias, folder = readable_alias(path)
    try:
        yield alias
    finally:
        if folder is not None:
            folder.cleanup()
