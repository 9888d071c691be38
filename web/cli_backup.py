"""``helpdesk backup`` and ``helpdesk restore``: the whole help desk to one archive and back."""

from __future__ import annotations

from pathlib import Path

import click

from hdcore import backup as archive
from web.cli_base import CliState, pass_state


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def backup_command(state: CliState, file: Path) -> None:
    """Write every table and every attachment to the archive FILE (one consistent snapshot).

    The help desk keeps running meanwhile; the archive restores into SQLite or PostgreSQL.
    """
    hd = state.ready_helpdesk()
    manifest = archive.backup(hd, file)
    click.echo(f"Backup of {state.display_url} written to {file}: {len(manifest.tables)} tables, "
               f"{manifest.rows} rows, {len(manifest.files)} attachment files "
               f"(schema {', '.join(manifest.revisions)}).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace the data of a database that is not empty (it is deleted).")
@pass_state
def restore_command(state: CliState, file: Path, force: bool) -> None:
    """Load the archive FILE into an empty database (or, with --force, replace its data).

    The whole archive is checked first; the load is one transaction, so a failure leaves the
    database as it was.
    """
    manifest = archive.restore(state.helpdesk, file, force=force)
    click.echo(f"Restored {file} (taken {manifest.created_at} from {manifest.dialect}) into "
               f"{state.display_url}: {len(manifest.tables)} tables, {manifest.rows} rows, "
               f"{len(manifest.files)} attachment files; every count and checksum verified.")
