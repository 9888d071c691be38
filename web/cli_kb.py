"""``helpdesk search ...``: the operator rebuilds the search index."""

from __future__ import annotations

import click

from hdcore import services as svc
from web.cli_base import CliState, pass_state


@click.group("search")
def search_group() -> None:
    """The search over articles and requests."""


@search_group.command("rebuild")
@pass_state
def search_rebuild(state: CliState) -> None:
    """Index every knowledge-base article and request again.

    Run it once after upgrading a database that already holds requests, or after restoring
    one from a backup. It runs as one transaction: searches made meanwhile see the old index
    until it commits.
    """
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        count = svc.rebuild_search_index(session, None)
    click.echo(f"Indexed {count} articles and requests.")
