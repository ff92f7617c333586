"""`orderbot demo`: the whole product offline — emulator, bot, notifier and a browser Slack sandbox.

A development and evaluation tool: the sandbox speaks to the bot only as Slack does (signed requests
to /slack/events, Web API calls into the fake, response_url posts), so what works here works in
Slack. It never replaces Slack in production.
"""

from __future__ import annotations

import secrets
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import BotSettings, MplusSettings, Settings
from bot.server import Runtime, build_runtime, make_http_server, stop_http_server
from mplus_emulator.server import EmulatorServer
from slack_sandbox.fake_slack import FakeSlack
from slack_sandbox.signed_client import SignedSlackClient
from slack_sandbox.web.app import SandboxWeb

DEMO_USER = "U0ALICE"
CHANNELS = ("orders", "notifications", "ops")


@dataclass
class Demo:
    """Every part of the demo, started in order and stopped in reverse."""

    web: SandboxWeb
    runtime: Runtime
    emulator: EmulatorServer
    fake: FakeSlack
    stops: list[Callable[[], Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.web.url)

    def stop(self) -> None:
        for stop in reversed(self.stops):
            try:
                stop()
            except Exception:  # stopping must go on whatever one part does
                continue
        self.stops.clear()


def start_demo(host: str = "127.0.0.1", port: int = 8080, data_dir: Path | None = None) -> Demo:
    stops: list[Callable[[], Any]] = []
    data = data_dir or Path(tempfile.mkdtemp(prefix="orderbot-demo-"))
    # Fresh secrets per run: the demo's parts trust each other only through real signatures.
    mplus_secret = secrets.token_urlsafe(16)
    bot_token = f"xoxb-demo-{secrets.token_hex(8)}"
    signing_secret = secrets.token_hex(16)

    emulator = EmulatorServer(
        host="127.0.0.1", port=0, seed="demo", ident="demo", secret=mplus_secret
    ).start()
    stops.append(emulator.stop)
    fake = FakeSlack(host="127.0.0.1", port=0, bot_token=bot_token).start()
    stops.append(fake.stop)
    channel_ids = {name: fake.add_channel(name) for name in CHANNELS}

    everyone_demo = DEMO_USER
    bot = BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_api_url=fake.api_url,
        host="127.0.0.1",
        port=0,
        database_url=f"sqlite:///{data / 'orderbot-demo.sqlite3'}",
        allow_create=everyone_demo,
        allow_edit=everyone_demo,
        allow_cancel=everyone_demo,
        allow_pay=everyone_demo,
        allow_deliver=everyone_demo,
        allow_subscribe=everyone_demo,
        notify_channel=channel_ids["notifications"],
        ops_channel=channel_ids["ops"],
        notify_interval_s=3,
        mirror_interval_s=5,  # a customer made in the demo is findable within seconds
    )
    mplus = MplusSettings(
        _env_file=None,  # type: ignore[call-arg]
        url=emulator.url,
        ident="demo",
        secret=mplus_secret,
        wsdl_cache=data / "wsdl-cache.sqlite",
    )
    runtime = build_runtime(Settings(bot, mplus))
    server = make_http_server(runtime, "127.0.0.1", 0)
    threading.Thread(target=server.run, name="demo-bot-http", daemon=True).start()
    stops.append(runtime.close)
    stops.append(lambda: stop_http_server(server))
    stops.append(runtime.start_background())

    client = SignedSlackClient(
        f"http://127.0.0.1:{server.effective_port}/slack/events", signing_secret, fake=fake
    )
    web = SandboxWeb(fake=fake, client=client, host=host, port=port, channels=CHANNELS, user_id=DEMO_USER)
    web.start()
    stops.append(web.stop)
    return Demo(web=web, runtime=runtime, emulator=emulator, fake=fake, stops=stops)


def run_demo(host: str = "127.0.0.1", port: int = 8080) -> int:
    demo = start_demo(host, port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(f"Orderbot sandbox: {demo.url}  (development and evaluation only — not Slack)", flush=True)
    print(f"  Mplus emulator: {demo.emulator.url}  ·  fake Slack API: {demo.fake.api_url}", flush=True)
    print("  Try: /order help · /order list week · /order new — Ctrl-C stops everything.", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        demo.stop()
    return 0
