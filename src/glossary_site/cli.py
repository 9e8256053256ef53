"""The `glossary` command: parse flags, call build/check, print, exit. No logic of its own.

Exit status: 0 success; 1 content errors (or output folder problems); 2 usage errors;
3 an internal error (a bug of ours); 130 interrupted.
"""

from __future__ import annotations

import gc
import json
import os
import shlex
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from glossary_site import __version__
from glossary_site.commands.build import BuildOptions, BuildReport, build
from glossary_site.errors import ContentError, OutputError, Problem, format_problems

ISSUES_URL = "https://github.com/glossary-site/glossary-site/issues"
PROGRESS_AFTER = 500  # outputs; smaller builds finish before a bar would help


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from glossary_site.model import (
        normalize_base_url,
    )  # pydantic: only when the flag is given

    try:
        return normalize_base_url(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


source_option = click.option(
    "--source",
    "-s",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Site folder: the one holding content/ (and static/, templates/).",
)
drafts_option = click.option("--drafts", is_flag=True, help="Include pages marked draft: true.")
debug_option = click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="glossary")
def cli() -> None:
    """Build glossary websites from Markdown areas, terms and definitions."""


def main() -> NoReturn:
    """The `glossary` command: run, flush, and leave without tearing the heap down.

    A build holds a large heap; freeing it object by object at exit, or letting the cyclic
    collector walk it once the build is over, costs a noticeable part of an incremental
    build, and nothing is left to do once output is flushed.
    """
    gc.disable()  # for the whole short-lived process; worker processes collect their own
    try:
        cli.main(prog_name="glossary")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@cli.command("build")
@source_option
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder.  [default: SOURCE/build]",
)
@click.option(
    "--base-url",
    callback=_base_url,
    default=None,
    help="Override base_url from content/site.yaml (e.g. for a preview deploy).",
)
@drafts_option
@click.option("--no-cache", is_flag=True, help="Ignore and don't update .glossary-cache/.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes to render with; 0 means one per core.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@click.option("--verbose", "-v", is_flag=True, help="Also print the time of each stage.")
@debug_option
def build_command(
    source: Path,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    no_cache: bool,
    jobs: int,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Build the static site into the output folder."""
    _require_folder(source)
    options = BuildOptions(
        out=out, drafts=drafts, base_url=base_url, use_cache=not no_cache, jobs=jobs
    )
    with _reporting(source, debug):
        with _progress(enabled=not quiet) as progress:
            report = build(source, options, progress, _notify(quiet))
        if not quiet:
            click.echo(_summary(report, source))
            if verbose:
                click.echo(
                    "  "
                    + ", ".join(
                        f"{stage} {seconds:.2f} s" for stage, seconds in report.timings.items()
                    )
                )
            if report.warnings:
                click.echo(
                    f"{len(report.warnings)} warning(s); run `glossary check` to see them", err=True
                )


def _notify(quiet: bool) -> Callable[[str], None]:
    """Lines the build has for the user while it runs (a wait, a dropped cache), on stderr."""

    def say(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    return say


def _summary(report: BuildReport, source: Path) -> str:
    where = _shown(report.out)
    return (
        f"Built {report.pages} pages ({report.entries} entries, {report.areas} areas) "
        f"into {where} in {report.seconds:.2f} s: {report.written} files written, "
        f"{report.unchanged} unchanged."
    )


def _shown(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def _require_folder(source: Path) -> None:
    if not source.is_dir():
        raise click.BadParameter(f"'{source}' is not a folder", param_hint="--source")


def print_problems(problems: tuple[Problem, ...] | list[Problem], source: Path) -> None:
    """Print findings as `path:line: message` lines, with paths as the user sees them."""
    click.echo(format_problems(_as_seen(problems, source)), err=True)


def _as_seen(problems: tuple[Problem, ...] | list[Problem], source: Path) -> list[Problem]:
    """Problems with paths prefixed by --source, so editors can jump to them."""
    if source == Path("."):
        return list(problems)
    return [
        Problem(
            os.path.join(str(source), p.path), p.line, p.message, p.code, p.severity, p.suggestions
        )
        for p in problems
    ]


@contextmanager
def _reporting(source: Path, debug: bool) -> Iterator[None]:
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    except ContentError as exc:
        print_problems(exc.problems, source)
        sys.exit(1)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted; the previous output is untouched", err=True)
        sys.exit(130)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # a bug of ours: one line, traceback on request
        _internal_error(exc, debug)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: Any) -> NoReturn:
    raise KeyboardInterrupt


def _internal_error(exc: Exception, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exception(exc)
    click.echo(
        f"internal error: {type(exc).__name__}: {exc}. This is a bug in glossary-site; "
        f"please report it at {ISSUES_URL}"
        + ("" if debug else " (run again with --debug for the traceback)"),
        err=True,
    )
    sys.exit(3)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if total < PROGRESS_AFTER:
            return
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done)

    with bar:
        yield update


@cli.command("serve")
@source_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; only this machine can connect unless you change it.",
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@drafts_option
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option(
    "--base-url",
    callback=_base_url,
    default=None,
    help="Override base_url from content/site.yaml; its path is where the site is served.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write every rebuild to this folder.  [default: write nothing]",
)
@click.option("--no-cache", is_flag=True, help="Ignore and don't update .glossary-cache/.")
@debug_option
def serve_command(
    source: Path,
    host: str,
    port: int,
    drafts: bool,
    open_browser: bool,
    base_url: str | None,
    out: Path | None,
    no_cache: bool,
    debug: bool,
) -> None:
    """Preview the site: build, serve over HTTP, rebuild and reload on every change."""
    from glossary_site.commands.serve.app import ServeOptions, serve
    from glossary_site.commands.serve.server import PortInUse

    _require_folder(source)
    build_options = BuildOptions(out=out, drafts=drafts, base_url=base_url, use_cache=not no_cache)
    options = ServeOptions(build_options, host=host, port=port, open_browser=open_browser)
    gc.enable()  # a long-running process: its garbage must go
    try:
        serve(source, options, _ServeReporter(source), lambda: _progress(enabled=True))
    except PortInUse as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    except Exception as exc:
        _internal_error(exc, debug)


class _ServeReporter:
    """How `glossary serve` reports builds in the terminal."""

    def __init__(self, source: Path):
        self.source = source

    def ready(self, url: str, outcome: Any) -> None:
        if outcome.ok:
            snapshot = outcome.snapshot
            if outcome.read_back:  # nothing changed since `glossary build`
                seconds = outcome.seconds
                click.echo(f"Read the {snapshot.pages} pages of the last build in {seconds:.2f} s.")
            else:
                click.echo(f"Built {snapshot.pages} pages in {outcome.seconds:.2f} s.")
        else:
            self._failed(outcome)
        click.echo(f"Serving at {url}  (Ctrl-C to stop)")

    def rebuilt(self, what: str, outcome: Any) -> None:
        ms = outcome.seconds * 1000
        if outcome.ok:
            how = " (text only)" if outcome.text_only else ""
            click.echo(f"{what}: {outcome.redone} pages redone{how} in {ms:.0f} ms")
        else:
            click.echo(f"{what}: rebuild failed in {ms:.0f} ms; still serving the last good site")
            self._failed(outcome)

    def _failed(self, outcome: Any) -> None:
        if outcome.problems:
            print_problems(outcome.problems, self.source)
        else:
            click.echo(outcome.internal, err=True)


@cli.command("check")
@source_option
@drafts_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints one object per finding.",
)
@click.option(
    "--similarity",
    type=click.IntRange(50, 100),
    default=None,
    help="Near-duplicate threshold in percent.  [default: site.yaml's, 92]",
)
@click.option("--no-cache", is_flag=True, help="Ignore and don't update .glossary-cache/.")
@click.option(
    "--auto-links",
    is_flag=True,
    help="Instead of findings, print per target how many pages auto-link it.",
)
@debug_option
def check_command(
    source: Path,
    drafts: bool,
    strict: bool,
    output_format: str,
    similarity: int | None,
    no_cache: bool,
    auto_links: bool,
    debug: bool,
) -> None:
    """Find broken, ambiguous, duplicate and orphaned entries without building."""
    from glossary_site.commands.check import CheckOptions, check

    _require_folder(source)
    if auto_links:
        _auto_links(source, drafts, not no_cache, output_format, debug)
        return
    options = CheckOptions(
        drafts=drafts, strict=strict, similarity=similarity, use_cache=not no_cache
    )
    with _reporting(source, debug):
        findings = _as_seen(check(source, options), source)
    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    elif findings:
        click.echo(format_problems(findings, errors_first=True))
    else:
        click.echo("No problems found.")
    sys.exit(1 if any(f.severity == "error" for f in findings) else 0)


def _auto_links(
    source: Path, drafts: bool, use_cache: bool, output_format: str, debug: bool
) -> None:
    from glossary_site.commands.autolinks import check_auto_links

    with _reporting(source, debug):
        report = check_auto_links(source, drafts, use_cache)
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.text())


@cli.command("init")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."), required=False
)
@click.option("--name", default=None, help="Site name.  [default: from the folder's name]")
@click.option(
    "--base-url",
    callback=_base_url,
    default=None,
    help="Where the site will be published.  [default: https://example.org/]",
)
@click.option(
    "--force", is_flag=True, help="Use a non-empty folder; existing files are never overwritten."
)
def init_command(directory: Path, name: str | None, base_url: str | None, force: bool) -> None:
    """Start a new site in DIRECTORY (default: here) that checks and builds cleanly."""
    from glossary_site.commands.init import init_site

    try:
        report = init_site(directory, name, base_url, force)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    where = _shown(report.root)
    for rel in report.written:
        click.echo(f"wrote {os.path.normpath(os.path.join(where, rel))}")
    for rel in report.kept:
        click.echo(f"kept  {os.path.normpath(os.path.join(where, rel))} (already there)")
    click.echo("\nNext:")
    if where != ".":
        click.echo(f"  cd {shlex.quote(where)}")
    click.echo('  glossary new term "Your First Term" --area basics')
    click.echo("  glossary build")


@cli.command("new")
@click.argument("kind", type=click.Choice(["term", "definition", "area"]))
@click.argument("title")
@click.option(
    "--area",
    "areas",
    multiple=True,
    metavar="SLUG",
    help="An area the entry belongs to (repeatable).",
)
@click.option(
    "--parent",
    default="",
    metavar="FOLDER",
    help="Write a nested page: content/KIND/FOLDER/<slug>.md (FOLDER may be a/b).",
)
@source_option
def new_command(kind: str, title: str, areas: tuple[str, ...], parent: str, source: Path) -> None:
    """Write content/KIND/<slug>.md for TITLE, its front matter filled in."""
    from glossary_site.commands.new import new_page

    _require_folder(source)
    try:
        path = new_page(source, kind, title, areas, parent=parent)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(_shown(path))


if __name__ == "__main__":  # pragma: no cover
    main()
