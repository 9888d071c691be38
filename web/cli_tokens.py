"""``helpdesk token ...``: the operator issues, lists and revokes REST API tokens."""

from __future__ import annotations

from datetime import datetime

import click

from hdcore import services as svc
from hdcore.services.tokens import DEFAULT_DAYS, MAX_DAYS
from web.cli_base import CliState, pass_state


@click.group("token")
def token_group() -> None:
    """Issue, list and revoke API tokens (for integrations and scripts)."""


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. erp-integration.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DEFAULT_DAYS,
              show_default=True, help="How many days the token stays valid.")
@pass_state
def token_create(state: CliState, username: str, name: str, days: int) -> None:
    """Issue a token for the account USERNAME.

    The token alone is printed on standard output (so `TOKEN=$(helpdesk token create bot)`
    works); it is shown only now, since only its hash is stored.
    """
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        issued = svc.issue_token(session, None, username, name=name, days=days)
        click.echo(issued.secret)
        click.echo(f"Token {issued.token.prefix}… for {issued.token.user.username}, valid until "
                   f"{_when(issued.token.expires_at)} UTC. Store it now: it cannot be shown "
                   "again.", err=True)


@token_group.command("revoke")
@click.argument("token_or_prefix")
@pass_state
def token_revoke(state: CliState, token_or_prefix: str) -> None:
    """Revoke a token, given in full or by its prefix as `helpdesk token list` shows it."""
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        token = svc.revoke_token(session, None, token_or_prefix)
        click.echo(f"Token {token.prefix}… of {token.user.username} is revoked "
                   f"(since {_when(token.revoked_at)} UTC); calls with it are refused.")


@token_group.command("list")
@click.option("--user", "username", metavar="USERNAME", help="Only this account's tokens.")
@click.option("--active", is_flag=True, help="Only tokens that still work.")
@pass_state
def token_list(state: CliState, username: str | None, active: bool) -> None:
    """Show the tokens (never the secrets): prefix, owner, name, dates and state."""
    hd = state.ready_helpdesk()
    with hd.session_scope() as session:
        rows = [("PREFIX", "USER", "STATUS", "CREATED", "LAST USED", "EXPIRES", "NAME")]
        for t in svc.list_tokens(session, None, username):
            status = svc.token_status(t)
            if active and status != "active":
                continue
            rows.append((t.prefix, t.user.username, status, _when(t.created_at),
                         _when(t.last_used_at), _when(t.expires_at), t.name or "-"))
    if len(rows) == 1:
        click.echo("No tokens.")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)),
                              row[-1]]))
