"""OCR for scanned pages, behind the optional ``[ocr]`` extra (pytesseract) and Debian's tesseract-ocr-vie.

Kept apart from the PDF parser so that the availability check is one function tests can switch off, and so
nothing here is imported unless a page has no text layer.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

LANG = "vie"
INSTALL_HINT = "install the [ocr] extra and Debian tesseract-ocr-vie to read scanned pages"


@lru_cache(maxsize=1)
def missing() -> str | None:
    """Why OCR cannot run here (one line), or None when it can."""
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return "pytesseract is not installed"
    exe = shutil.which("tesseract")
    if exe is None:
        return "the tesseract program is not on PATH"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run ({exc.__class__.__name__})"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if LANG not in langs:
        return f"tesseract has no '{LANG}' language data"
    return None


def available() -> bool:
    """True when pages can be OCRed in Vietnamese."""
    return missing() is None


def image_to_text(image, timeout: float | None = None) -> str:
    """Vietnamese text of a PIL image. Lines as tesseract reads them; blank lines between its blocks.

    Raises TimeoutError when tesseract runs past ``timeout`` seconds.
    """
    import pytesseract

    try:
        return pytesseract.image_to_string(image, lang=LANG, timeout=timeout or 0)
    except RuntimeError as exc:  # pytesseract signals its timeout this way
        if "timeout" in str(exc).lower():
            raise TimeoutError(str(exc)) from None
        raise
