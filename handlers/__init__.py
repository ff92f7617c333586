"""The thin Slack layer: parse what Slack sent, call the product core, reply with its views."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import Deps


def register(app: App, deps: Deps) -> None:
    from handlers import (
        actions,
        channels,
        commands,
        confirm_flow,
        customer_form,
        form_typeahead,
        list_command,
        order_form,
    )

    channels.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    confirm_flow.register(app, deps)
    order_form.register(app, deps)
    list_command.register(app, deps)
    form_typeahead.register(app, deps)
    customer_form.register(app, deps)
