"""``N_``: marks a text for translation where it is written, in any layer (issue #14).

It changes nothing at run time; ``pybabel extract -k N_`` collects the marked texts into the gettext
catalogue, and the Slack layer translates them where they are shown (``bot.slack.i18n``). Layers below
Slack use it so their user-facing sentences can be translated without knowing about languages.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


class Said(str):
    """A sentence a lower layer says to a person: the English text (it *is* that ``str``, so logs,
    audit rows and old callers read it unchanged) plus the marked msgid and the named values it was
    made from, so the Slack layer can say it again in the reader's language.

    ``Said(N_("{text} is negative — amounts cannot be negative"), text=quoted)``. A value may itself
    be a ``Said`` (it is translated too). Exceptions carry one as their first argument.
    """

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Said:
        said = super().__new__(cls, msgid.format(**values) if values else msgid)
        said.msgid = msgid
        said.values = values
        return said
