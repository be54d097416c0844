"""``governance-check``: the checks engine from the command line, for CI jobs.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage error or
unreadable input. ``check_command`` is a plain click command, so CKAN can
mount it as ``ckan governance check``.
"""

from __future__ import annotations

import json
import sys
from typing import Optional

import click

from .engine import validate_table
from .errors import ChecksError
from .readers import FORMATS
from .report import DEFAULT_ERROR_LIMIT, Report


def _progress_printer(stream, tty: bool):
    def show(done: int, total: int) -> None:
        share = f" ({100 * done / total:.0f}%)" if total else ""
        text = f"read {done / 2**20:.0f} of {total / 2**20:.0f} MB{share}"
        stream.write(f"\r{text}" if tty else f"{text}\n")
        stream.flush()

    return show


def _print_text(report: Report) -> None:
    counts = ", ".join(f"{code}: {count}" for code, count in sorted(report.error_counts.items()))
    where = f"{report.format}, {report.encoding or 'n/a'}, {report.rows} rows"
    if report.valid:
        click.echo(f"valid ({where})")
    else:
        click.echo(f"invalid ({where}): {report.error_total} errors ({counts})")
    for error in report.errors:
        click.echo(f"  [{error.code}] {error.message}")
    if report.truncated:
        click.echo(f"  ... {report.error_total - len(report.errors)} more (use --max-errors)")
    for finding in report.privacy:
        click.echo(f"  [privacy {finding.get('severity')}] {finding.get('message', finding)}")
    if report.suggested_schema is not None:
        click.echo("no schema given; inferred schema (suggestion):")
        click.echo(json.dumps(report.suggested_schema, indent=2, ensure_ascii=False))


@click.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--schema", "-s", help="Table Schema: registry name, JSON file, http(s) URL or JSON text.")
@click.option("--no-privacy", is_flag=True, help="Skip the privacy checks.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--table-format", type=click.Choice(FORMATS), help="Read PATH as this format instead of guessing from its name.")
@click.option("--registry", type=click.Path(file_okay=False), help="Schema registry folder (default: $GOVERNANCE_SCHEMA_REGISTRY or the package's schemas/table).")
@click.option("--allow-private-urls", is_flag=True, help="Allow schema URLs on private, loopback or link-local addresses.")
@click.option("--max-errors", type=click.IntRange(min=0), default=DEFAULT_ERROR_LIMIT, show_default=True, help="Error objects to list (counts are always complete).")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when stderr is a terminal).")
def check_command(
    path: str,
    schema: Optional[str],
    no_privacy: bool,
    output: str,
    table_format: Optional[str],
    registry: Optional[str],
    allow_private_urls: bool,
    max_errors: int,
    progress: Optional[bool],
) -> None:
    """Check a CSV, TSV, XLSX or JSON table against a Table Schema."""
    tty = sys.stderr.isatty()
    show_progress = tty if progress is None else progress
    try:
        report = validate_table(
            path,
            schema,
            format=table_format,
            registry_dir=registry,
            allow_private_urls=allow_private_urls,
            allow_local_files=True,
            privacy=not no_privacy,
            progress=_progress_printer(sys.stderr, tty) if show_progress else None,
            error_limit=max_errors,
        )
    except ChecksError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    finally:
        if show_progress and tty:
            sys.stderr.write("\n")
    if output == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_text(report)
    sys.exit(0 if report.valid else 1)


def main() -> None:
    """Console script entry point: ``governance-check``."""
    check_command.main(prog_name="governance-check")


if __name__ == "__main__":
    main()
