"""A local fake of the Slack platform for driving a Bolt app exactly as Slack would.

Imports nothing from the bot itself. Main entry points:
``slack_sandbox.fake_slack.FakeSlack`` (Web API, response URLs, state, faults),
``slack_sandbox.signed_client.SignedSlackClient`` (signed commands/interactions/events),
``slack_sandbox.remote.RemoteFake`` (the same control surface over HTTP).
"""
