"""Client tests run twice: once with the emulator's own WSDL, once with the official Mplus WSDL.

The second run is the contract test: the same client code, built from the official WSDL, must
round-trip every operation against the emulator (which then serves the official file).

The canned-answer tests (``test_wire_*``) talk to ``CannedServer`` instead: answers generated from
the official WSDL with every optional element filled, and the variants a real server may send.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.mplus.client import MplusClient
from mplus_emulator.server import EmulatorServer
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, make_settings, official_wsdl_or_skip
from tests.mplus.canned_server import CannedServer
from tests.mplus.wsdl_answers import AnswerFactory


@pytest.fixture(scope="session", params=["own-wsdl", "official-wsdl"])
def emulator_server(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    wsdl_path = official_wsdl_or_skip() if request.param == "official-wsdl" else None
    server = EmulatorServer(
        host="127.0.0.1",
        port=0,
        seed="demo",
        ident=EMULATOR_IDENT,
        secret=EMULATOR_SECRET,
        wsdl_path=wsdl_path,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def answers() -> AnswerFactory:
    return AnswerFactory(official_wsdl_or_skip())


@pytest.fixture
def canned() -> Iterator[CannedServer]:
    server = CannedServer().start()
    yield server
    server.stop()


@pytest.fixture
def canned_client(canned: CannedServer, tmp_path: Path) -> MplusClient:
    """A client of the canned server, built from the official WSDL; reads are not retried."""
    settings = make_settings(canned.url, tmp_path, wsdl=str(official_wsdl_or_skip()), read_retries=1)
    return MplusClient(settings)
