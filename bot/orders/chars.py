"""Characters no order text should carry: control characters (refused) and bidi overrides (dropped).

A NUL or an escape code typed or pasted into a command or form field is refused with a clear
message; a bidirectional override (U+202A–U+202E, U+2066–U+2069) can make "29,90" read as "09,92",
so it is removed from text from Mplus and from people before it is shown or sent.
"""

from __future__ import annotations

import re

from bot.marks import N_

CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab and line breaks."""
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROL_CHAR_TEXT = N_("This contains an invisible control character (e.g. NUL). Type it again without it.")


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def has_control_chars(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None
