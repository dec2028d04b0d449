"""Text written by strangers, made safe to print on a terminal.

Page text, server messages and failure reasons can carry escape sequences (CSI, OSC, C1) and
control characters that a terminal would act on: colour, cursor moves, window titles, a
bell; and bidi controls and zero-width characters that make a name display reversed, or the
same as another's. The one stripper below serves every place such text is kept or shown; it imports
nothing heavy, since `ketadir search` prints through it.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all C0 but tab and newline, DEL, C1
# Characters that change how text around them is shown without being seen themselves: bidi
# controls (U+202E shows a name reversed), zero-width and invisible ones (a name that looks
# like another's), the line and paragraph separators a terminal may break on.
INVISIBLE = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def terminal_safe(text: str) -> str:
    """Remove escape sequences, control characters (tab and newline stay), bidi controls
    and invisible characters."""
    return _INVISIBLE.sub("", _CONTROL.sub("", _ANSI.sub("", text)))


def plural(count: int, noun: str, many: str = "") -> str:
    """'1 site', '2 sites', '1 page error' ('2 page errors'); many: an irregular plural."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
