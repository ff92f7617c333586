"""The Slack sandbox with a face: a local web page that plays the Slack client for one user.

It talks to the bot only as Slack does (signed requests through ``SignedSlackClient``); the bot's
Web API calls and response_url posts land in ``FakeSlack``, which the page reads back.
See ``README.md`` beside this file.
"""

from __future__ import annotations

__all__ = ["SandboxWeb"]


def __getattr__(name: str) -> object:
    if name == "SandboxWeb":
        from slack_sandbox.web.app import SandboxWeb

        return SandboxWeb
    raise AttributeError(name)
