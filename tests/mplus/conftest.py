"""Client tests run twice: once with the emulator's own WSDL, once with the official Mplus WSDL.

The second run is the contract test: the same client code, built from the official WSDL, must
round-trip every operation against the emulator (which then serves the official file).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mplus_emulator.server import EmulatorServer
from tests.conftest import EMULATOR_IDENT, EMULATOR_SECRET, official_wsdl_or_skip


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
