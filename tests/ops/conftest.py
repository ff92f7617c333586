"""The ops tests drive the same end-to-end rig as tests/slack (real bot over HTTP, emulator, fake Slack)."""

from tests.slack.conftest import fake_slack, rig  # noqa: F401 - fixtures shared with tests/slack
from tests.test_cli import process_cleanup  # noqa: F401 - stops the processes a test starts
