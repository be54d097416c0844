"""``ckan governance ...``: offline checks, the audit log and webhook deliveries. No DDL here: tables come from
``ckan db upgrade -p governance``."""
from __future__ import annotations

import sys

import click

from . import audit, webhooks
from .checks.cli import check_command

__all__ = ["governance"]


@click.group(short_help="Data-governance review: checks and audit log")
def governance():
    pass


governance.add_command(check_command, "check")


@governance.group("audit")
def audit_group():
    """The tamper-evident audit log."""


@audit_group.command("verify")
def audit_verify():
    """Recompute the hash chain; exit 1 if any entry was edited, removed or reordered."""
    problems = list(audit.verify(audit.all_entries()))
    for seq, problem in problems:
        click.echo(f"entry {seq}: {problem}", err=True)
    if problems:
        click.secho(f"audit log broken: {len(problems)} problem(s)", fg="red", err=True)
        sys.exit(1)
    click.secho("audit log intact", fg="green")


@audit_group.command("export")
@click.option("--output", "-o", type=click.File("w"), default="-", help="CSV file (default: stdout)")
def audit_export(output):
    """Write the whole audit log as CSV."""
    for chunk in audit.to_csv(audit.entry_dicts()):
        output.write(chunk)


@governance.group("webhooks")
def webhooks_group():
    """Webhook deliveries."""


@webhooks_group.command("requeue")
@click.option("--grace", type=int, default=600, show_default=True,
              help="only deliveries overdue by more than this many seconds")
def webhooks_requeue(grace):
    """Queue again every waiting delivery whose attempt is overdue (e.g. after Redis lost its
    queue)."""
    click.echo(f"{webhooks.requeue_overdue(grace)} deliveries queued again")
