"""What every state rule receives: the state, the moment of the change, and an id source."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from .model import Order, State


class Ids:
    """Random ids; seeded for the demo data so that two runs with the same seed look the same."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng

    def _uuid(self) -> uuid.UUID:
        if self._rng is None:
            return uuid.uuid4()
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def hex(self) -> str:
        """32 lower-case hex characters: the order id format shown in the tutorials."""
        return self._uuid().hex

    def dashed(self) -> str:
        """Dashed UUID: the invoice id format shown in the tutorials."""
        return str(self._uuid())


@dataclass
class Ctx:
    state: State
    now: datetime
    ids: Ids = field(default_factory=Ids)

    def touch(self, order: Order, *, counted: bool = True) -> None:
        """Record a change to an order: the next value of the single global order sync marker."""
        self.state.order_seq += 1
        order.sync_marker = self.state.order_seq
        if counted:
            order.change_counter += 1
