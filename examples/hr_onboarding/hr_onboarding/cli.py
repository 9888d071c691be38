"""``helpdesk newcomers``: the newcomers starting soon and whether their set-up is ready."""

from __future__ import annotations

from datetime import timedelta

import click
from sqlalchemy import select

from hdcore import ServiceRequest
from hr_onboarding.models import OnboardingSetup
from hr_onboarding.schemas import office_today


@click.command("newcomers")
@click.option("--days", default=30, show_default=True, help="How far ahead to look.")
@click.pass_context
def newcomers(ctx: click.Context, days: int) -> None:
    """List the newcomers starting in the next DAYS days and their set-up's state."""
    # The command line's state carries the help desk it was started for (its database).
    helpdesk = ctx.find_root().obj.ready_helpdesk()
    today = office_today()
    with helpdesk.session_scope() as session:
        rows = session.execute(
            select(OnboardingSetup, ServiceRequest)
            .join(ServiceRequest, ServiceRequest.id == OnboardingSetup.request_id)
            .where(OnboardingSetup.start_date.between(today, today + timedelta(days=days)))
            .order_by(OnboardingSetup.start_date, OnboardingSetup.id)).all()
        if not rows:
            click.echo(f"No newcomers start in the next {days} days.")
            return
        for setup, req in rows:
            ready = f"ready {setup.ready_on.isoformat()}" if setup.ready_on else req.status
            click.echo(f"{setup.start_date.isoformat()}  {req.number}  {setup.employee_name} "
                       f"({setup.department}): {ready}")
