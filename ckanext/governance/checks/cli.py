"""``governance-check``: the checks engine from the command line, for CI jobs.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 the file was not
checked to the end (usage error, unreadable input, unusable schema, interruption,
internal error). With ``--format json``, stdout carries exactly one JSON document
on every outcome: the report, or ``{"valid": false, "error": {"code", "message"}}``
with a code from ``errors.ERROR_CODES`` (see docs/governance-check.schema.json).

The engine (pyarrow, numpy, frictionless) is imported only when a file is
checked, so ``--help`` and usage errors answer at once. ``check_command`` is a
plain click command, so CKAN can mount it as ``ckan governance check``.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import click

from .defaults import DEFAULT_ERROR_LIMIT, FORMATS
from .errors import ChecksError

if TYPE_CHECKING:
    from .report import Report

EXIT_VALID = 0
EXIT_BLOCKING = 1
EXIT_NOT_CHECKED = 2


def error_document(code: str, message: str) -> Dict[str, Any]:
    """The JSON answer when no report could be made; ``valid`` is false so a naive reader fails closed."""
    return {"valid": False, "error": {"code": code, "message": message}}


def _write_json(document: Dict[str, Any]) -> None:
    """One JSON document on stdout, as UTF-8 whatever the locale's encoding."""
    stdout = click.get_binary_stream("stdout")
    stdout.write(json.dumps(document, ensure_ascii=False).encode("utf-8") + b"\n")
    stdout.flush()


class CheckNotRun(click.ClickException):
    """The file was not checked to the end: a coded error, shown as JSON or as text."""

    exit_code = EXIT_NOT_CHECKED

    def __init__(self, code: str, message: str, as_json: bool):
        super().__init__(message)
        self.code = code
        self.as_json = as_json

    def show(self, file=None) -> None:
        if self.as_json:
            _write_json(error_document(self.code, self.message))
        else:
            click.echo(f"Error: {self.message}", err=True)


def _asks_for_json(args: List[str]) -> bool:
    """Whether ``--format json`` is on the command line, read before click parses it (it may not parse)."""
    wanted = False
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if word == "--format":
            wanted = next(words, None) == "json"
        elif word.startswith("--format="):
            wanted = word == "--format=json"
    return wanted


class _CheckCommand(click.Command):
    """A click command whose usage errors are JSON documents when JSON was asked for."""

    def parse_args(self, ctx: click.Context, args: List[str]) -> List[str]:
        as_json = _asks_for_json(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if not as_json:
                raise
            raise CheckNotRun("usage-error", error.format_message(), as_json=True) from None


def _privacy_config(path: str):
    from .privacy import load_config  # loads pyarrow: only when a file is checked

    return load_config(path)


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
    if report.privacy_status != "ran":
        click.echo(f"  privacy checks: {report.privacy_status}" + (f" ({report.privacy_error})" if report.privacy_error else ""))
    if report.suggested_schema is not None:
        click.echo("no schema given; inferred schema (suggestion):")
        click.echo(json.dumps(report.suggested_schema, indent=2, ensure_ascii=False))


@click.command("check", cls=_CheckCommand)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--schema", "-s", help="Table Schema: registry name, JSON file, http(s) URL or JSON text.")
@click.option("--no-privacy", is_flag=True, help="Skip the privacy checks.")
@click.option("--privacy-config", type=click.Path(dir_okay=False), help="Privacy thresholds, severities and allowlists: a JSON, TOML or YAML file.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format; json prints one JSON document on every outcome.")
@click.option("--table-format", type=click.Choice(FORMATS), help="Read PATH as this format instead of guessing from its name.")
@click.option("--registry", type=click.Path(file_okay=False), help="Schema registry folder (default: $GOVERNANCE_SCHEMA_REGISTRY or the package's schemas/table).")
@click.option("--allow-private-urls", is_flag=True, help="Allow schema URLs on private, loopback or link-local addresses.")
@click.option("--max-errors", type=click.IntRange(min=0), default=DEFAULT_ERROR_LIMIT, show_default=True, help="Error objects to list (counts are always complete).")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when stderr is a terminal).")
def check_command(
    path: str,
    schema: Optional[str],
    no_privacy: bool,
    privacy_config: Optional[str],
    output: str,
    table_format: Optional[str],
    registry: Optional[str],
    allow_private_urls: bool,
    max_errors: int,
    progress: Optional[bool],
) -> None:
    """Check a CSV, TSV, XLSX or JSON table against a Table Schema.

    Exit code 0: no blocking finding; 1: blocking findings; 2: not checked
    (usage error, unreadable input, unusable schema).
    """
    as_json = output == "json"
    tty = sys.stderr.isatty()
    show_progress = tty if progress is None else progress
    try:
        from .engine import validate_table

        privacy = False if no_privacy else _privacy_config(privacy_config) if privacy_config else True
        report = validate_table(
            path,
            schema,
            format=table_format,
            registry_dir=registry,
            allow_private_urls=allow_private_urls,
            privacy=privacy,
            progress=_progress_printer(sys.stderr, tty) if show_progress else None,
            error_limit=max_errors,
        )
    except ChecksError as error:
        raise CheckNotRun(error.code, str(error), as_json) from None
    except KeyboardInterrupt:
        raise CheckNotRun("interrupted", "interrupted before the check finished", as_json) from None
    except Exception as error:  # a bug must neither read as a result nor break the JSON contract
        import traceback

        traceback.print_exc(file=sys.stderr)
        raise CheckNotRun("internal-error", f"unexpected {type(error).__name__}: {error}", as_json) from None
    finally:
        if show_progress and tty:
            sys.stderr.write("\n")
    if as_json:
        _write_json(report.to_dict())
    else:
        _print_text(report)
    sys.exit(EXIT_VALID if report.valid else EXIT_BLOCKING)


def main() -> None:
    """Console script entry point: ``governance-check``."""
    check_command.main(prog_name="governance-check")


if __name__ == "__main__":
    main()
