"""``helpdesk mail``: taking e-mail in from a mail server's pipe (one message on standard input)."""

from __future__ import annotations

import logging
import sys
from typing import BinaryIO

import click

from hdcore.mail.intake import ingest
from hdcore.mail.reasons import reason_text
from web.cli_base import CliState, pass_state

#: sysexits.h codes, which every MTA understands: accepted, bad input, try again later.
EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


@click.group("mail")
def mail_group() -> None:
    """Take e-mail in (see docs/mail.md)."""


@mail_group.command("ingest")
@click.option("--sender", "envelope_sender", metavar="ADDRESS", default=None,
              help="The SMTP envelope sender, as the MTA passes it (e.g. Postfix's ${sender}; "
                   "empty for the null sender of bounces).")
@click.option("--recipient", "recipients", metavar="ADDRESS", multiple=True,
              help="An envelope recipient (e.g. Postfix's ${recipient}); repeatable. It "
                   "chooses the category before the To and Cc headers do.")
@click.argument("message", type=click.File("rb"), default="-")
@pass_state
def ingest_command(state: CliState, envelope_sender: str | None,
                   recipients: tuple[str, ...], message: BinaryIO) -> None:
    """Store one message read from standard input (or the file MESSAGE), then file it.

    Exit status 0 once the message is stored (whatever becomes of it: a request, a reply,
    held for the lead, refused or ignored), 75 (temporary failure: the MTA keeps the message
    and tries again) if it could not be stored, 65 if there was no message.
    """
    raw = message.read()
    if not raw.strip():
        click.echo("helpdesk mail ingest: no message on standard input", err=True)
        sys.exit(EX_DATAERR)
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(message)s")
    try:
        hd = state.ready_helpdesk()
        stored = ingest(hd, raw, source="pipe", envelope_sender=envelope_sender,
                        envelope_recipients=recipients)
    except Exception as exc:  # anything short of stored: the MTA must keep the message
        message = exc.format_message() if isinstance(exc, click.ClickException) else (
            f"{type(exc).__name__}: {exc}")
        click.echo(f"helpdesk mail ingest: could not store the message, try again later: "
                   f"{message}", err=True)
        sys.exit(EX_TEMPFAIL)
    row = stored.message
    what = "already stored, delivered again" if stored.duplicate else row.status
    if stored.request_number:
        what += f" ({row.action} {stored.request_number})"
    elif row.reason:
        what += f": {reason_text(row.reason, row.reason_detail)}"
    click.echo(f"message {row.id} from {row.sender or '?'}: {what}")
    sys.exit(EX_OK)  # stored: the MTA's part is done, whatever became of it
