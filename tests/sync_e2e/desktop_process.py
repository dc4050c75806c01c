"""A desktop syncing in its own process, for tests that kill it midway (SIGKILL, no clean-up).

    python -m tests.sync_e2e.desktop_process PROFILE SERVER_URL USERNAME [--die-at WHERE]

Signs in as USERNAME (password from tests.synckit), then syncs PROFILE with small push batches
and pull pages. ``--die-at`` kills the process with SIGKILL at one point of the sync:

- ``push:N``: the server has answered the N-th push, the desktop has not recorded the answers;
- ``pull:N``: when the N-th pull starts, so N - 1 pages are staged and the cursor moved;
- ``apply``: the whole pull is staged and applied, but not yet committed.

Without ``--die-at`` the sync runs to its end and the process exits 0.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

PUSH_BATCH = 10
PULL_PAGE = 20


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class _Dying:
    """The real server client, killing this process at the agreed call."""

    def __init__(self, client, where: str, at: int) -> None:
        self._client = client
        self._where = where
        self._at = at
        self._calls = {"push": 0, "pull": 0}

    def push(self, token, changes):
        self._calls["push"] += 1
        results = self._client.push(token, changes)
        if self._where == "push" and self._calls["push"] == self._at:
            _die()
        return results

    def pull(self, token, since, limit=500):
        self._calls["pull"] += 1
        if self._where == "pull" and self._calls["pull"] == self._at:
            _die()
        return self._client.pull(token, since, limit)

    def __getattr__(self, name):
        return getattr(self._client, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile", type=Path)
    parser.add_argument("server")
    parser.add_argument("username")
    parser.add_argument("--die-at", default="")
    args = parser.parse_args(argv)

    import keyring

    from tests.conftest import TODAY
    from tests.fakes import FakeClock, memory_keyring_backend, passphrase_keys
    from tests.synckit import PASSWORD
    from wmo_desk.services import sync as sync_module
    from wmo_desk.services.context import AppContext
    from wmo_desk.storage.repositories.sync import SyncRepository

    keyring.set_keyring(memory_keyring_backend())
    sync_module.PUSH_BATCH = PUSH_BATCH
    sync_module.PULL_PAGE = PULL_PAGE
    where, _, at = args.die_at.partition(":")
    if where == "apply":
        apply_staged = SyncRepository.apply_staged

        def apply_then_die(self):
            applied = apply_staged(self)
            self._session.flush()
            _die()
            return applied

        SyncRepository.apply_staged = apply_then_die

    ctx = AppContext.open(args.profile, FakeClock(TODAY), keys=passphrase_keys(args.profile))
    try:
        ctx.remember_server(args.server)
        ctx.sign_in_service(args.server).sign_in(args.username, PASSWORD)
        ctx.signed_in()
        if where in ("push", "pull"):
            ctx.signin.client = _Dying(ctx.signin.client, where, int(at))
        report = ctx.sync.sync()
        print(f"pushed={report.pushed} pulled={report.pulled}")
    finally:
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
