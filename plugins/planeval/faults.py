"""Named checkpoints of a collection pass, where the fault tests (tests/faults) kill the process as a power
cut would: ``PLANEVAL_FAULT_AT=<name>`` makes ``checkpoint(<name>)`` end the process with SIGKILL — no
cleanup, no ``finally``. Without the variable a checkpoint does nothing.

May import: planeval.settings."""

from __future__ import annotations

import os
import signal

from planeval.settings import fault_point

# In the order a file passes them (docs/intake-and-monitoring.md says what a kill at each leaves behind).
CHECKPOINTS = (
    "claimed",  # the claim row is committed; no archive copy yet
    "copying",  # half of the archive copy is written
    "copied",  # the archive copy is complete and fsynced; the claim still says claimed
    "archived",  # the claim says archived
    "taken",  # a validation pass owns the claim
    "receipts",  # rows staged and receipts written, the transaction not yet committed
    "committed",  # rows and receipts committed; the inbox copy still there
    "released",  # the inbox copy is gone; the claim not yet marked released
)


def checkpoint(name: str) -> None:
    if name not in CHECKPOINTS:
        raise ValueError(f"unknown checkpoint {name!r}")
    if fault_point() == name:
        os.kill(os.getpid(), signal.SIGKILL)
