"""``helpdesk analytics ...``: the operator recomputes the figures the reports read."""

from __future__ import annotations

import click

from hdcore.analytics.metrics import rebuild
from web.cli_base import CliState, pass_state


@click.group("analytics")
def analytics_group() -> None:
    """Service reports: their per-request figures."""


@analytics_group.command("backfill")
@pass_state
def analytics_backfill(state: CliState) -> None:
    """Recompute every request's figures from its history (after an upgrade or an import)."""
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        done = rebuild(session, None, progress=lambda n: click.echo(f"{n} requests", err=True)
                       if n % 10_000 == 0 else None)
    click.echo(f"Figures of {done} requests recomputed.")
