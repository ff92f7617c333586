"""The thin Slack layer: parse what Slack sent, call the product core, reply with its views."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.identity import IdentityWatcher


def register(app: App, deps: Deps, identity: IdentityWatcher | None = None) -> None:
    from handlers import (
        actions,
        app_home,
        channels,
        commands,
        confirm_listeners,
        customer_form,
        form_typeahead,
        list_command,
        order_form,
        workspace,
    )

    workspace.register(app, deps, identity)
    channels.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    confirm_listeners.register(app, deps)
    order_form.register(app, deps)
    list_command.register(app, deps)
    form_typeahead.register(app, deps)
    customer_form.register(app, deps)
    app_home.register(app, deps)
