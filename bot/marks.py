"""``N_``: marks a text for translation where it is written, in any layer (issue #14).

It changes nothing at run time; ``pybabel extract -k N_`` collects the marked texts into the gettext
catalogue, and the Slack layer translates them where they are shown (``bot.slack.i18n``). Layers below
Slack use it so their user-facing sentences can be translated without knowing about languages.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message
