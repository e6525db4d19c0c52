"""The `qa` command line. Heavy libraries are imported inside the commands that need them."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from math import isfinite
from pathlib import Path

import click
from click.core import ParameterSource

from qa.backends.local.errors import DatabaseError, database_error_text
from qa.errors import QAError
from qa.text import counted, json_text, one_line

MODEL_OPTION = click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path, file_okay=False),
    help="A local sentence-transformers model folder (default: the packaged all-MiniLM-L6-v2).",
)
K_OPTION = click.option("-k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="Passages to show.")
MODE_OPTION = click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "lexical"]),
    default="hybrid",
    show_default=True,
    help="Ranker: BM25 and dense fused with sentence scores, or one of them alone.",
)


def _index_here(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """`qa ask --index DIR` as `qa --index DIR ask`: DIR becomes the command's index, refused when the group's
    --index names another."""
    if value is None:
        return
    root = ctx.find_root()
    given = root.params["index_dir"]
    if root.get_parameter_source("index_dir") is ParameterSource.COMMANDLINE and given.resolve() != value.resolve():
        raise click.BadParameter(f"{value} differs from `qa --index {given}`: give the index once", ctx, param)
    ctx.obj = root.params["index_dir"] = value  # the group's too, which its errors name


INDEX_OPTION = click.option(
    "--index",
    type=click.Path(path_type=Path, file_okay=False),
    expose_value=False,
    callback=_index_here,
    help="The index folder, as `qa --index DIR` (env QA_INDEX; default ./index).",
)


class ByteSize(click.ParamType):
    """A size in bytes: a number with an optional K, M or G (binary multiples), e.g. 50M."""

    name = "SIZE"
    UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        number, unit = (text[:-1], text[-1]) if text[-1:] in self.UNITS else (text, "")
        try:
            size = int(float(number) * self.UNITS[unit])
        except (ValueError, OverflowError):
            size = 0
        if size < 1:
            self.fail(f"{value!r} is not a size such as 50M, 512K or 2G", param, ctx)
        return size


class DateBound(click.ParamType):
    """YYYY-MM-DD, or YYYY-MM / YYYY meaning their first day (a lower bound) or their last (an upper bound)."""

    name = "DATE"

    def __init__(self, upper: bool):
        self.upper = upper

    def convert(self, value, param, ctx) -> date:
        from qa.records import date_bound

        if isinstance(value, date):
            return value
        try:
            return date_bound(value, self.upper)
        except ValueError as error:
            self.fail(str(error), param, ctx)


FILTER_OPTIONS = (
    click.option(
        "--source",
        metavar="TEXT",
        help="Only articles whose outlet, title or path contains TEXT (case-insensitive).",
    ),
    click.option(
        "--since",
        type=DateBound(upper=False),
        help="Only articles dated on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY); undated articles are left out.",
    ),
    click.option(
        "--until",
        type=DateBound(upper=True),
        help="Only articles dated on or before DATE (YYYY-MM-DD, YYYY-MM or YYYY); undated articles are left out.",
    ),
)


def filter_options(command):
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command


def apply_filters(searcher, source: str | None, since: date | None, until: date | None) -> None:
    """Make the filters the searcher's own; an error when they leave no article to answer from."""
    from qa.records import Filters

    try:
        searcher.filters = Filters(source, since, until)
    except ValueError as error:
        raise QAError(str(error).replace("since", "--since", 1).replace("until", "--until", 1)) from None
    if not searcher.finds_articles(searcher.filters):
        raise QAError("no indexed article matches --source/--since/--until")


@contextmanager
def one_line_errors(ctx: click.Context | None = None) -> Iterator[None]:
    """Errors a user can fix (bad arguments, a full disk, a folder that cannot be written) become one line on
    stderr and exit status 2. A reader that left early (`| head`) ends the command quietly, with status 0, whatever
    it was printing (rich's console passes the error on: make_console)."""
    try:
        yield
    except BrokenPipeError:
        sys.exit(0)  # run() drops what is left unwritten
    except QAError as error:
        _fail(str(error))
    except click.UsageError as error:
        _fail(f"{error.format_message()} (see `{_command_name(error.ctx)} --help`)")
    except OSError as error:
        _fail(_system_error(error))
    except DatabaseError as error:
        _fail(database_error_text(error, ctx and ctx.params.get("index_dir")))  # read now: a command may name it


def ray_address() -> str | None:
    """The Ray cluster given to `qa --ray`, if any."""
    return click.get_current_context().find_root().params.get("ray_address") or None


def _fail(message: str) -> None:
    click.echo(f"qa: {one_line(message)}", err=True)
    sys.exit(2)


def _system_error(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the device{where}: free some and run it again (committed work is kept)"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write{where}: {error.strerror}; give an --index folder you can write to"
    return f"{error.strerror or error}{where}"


def _command_name(ctx: click.Context | None) -> str:
    """ "qa ask" for the ask command's context, however the program was started."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(["qa", *reversed(names)])


class QACommand(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:  # an option's missing value comes without its command's context
            error.ctx = error.ctx or ctx
            raise


class QAGroup(click.Group):
    command_class = QACommand

    def make_context(self, *args, **kwargs) -> click.Context:
        with one_line_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with one_line_errors(ctx):
            return super().invoke(ctx)


@click.group(cls=QAGroup, invoke_without_command=True)
@click.option(
    "--index",
    "index_dir",
    envvar="QA_INDEX",
    default="index",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The index folder (env QA_INDEX).",
)
@click.option(
    "--ray",
    "ray_address",
    envvar="QA_RAY_ADDRESS",
    metavar="ADDRESS|local",
    help="Serve a sharded index's shards by actors on the Ray cluster at ADDRESS (HOST:PORT of its head), or on a "
    "Ray of this machine alone (env QA_RAY_ADDRESS).",
)
@click.pass_context
def main(ctx: click.Context, index_dir: Path, ray_address: str | None) -> None:
    """Ask questions of a collection of news articles; every answer is a cited passage."""
    os.umask(os.umask(0) | 0o077)  # the index, its caches and the chat history are readable by their owner only
    ctx.obj = index_dir
    if ctx.invoked_subcommand is None:
        ctx.invoke(chat)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="In folders, index only files matching GLOB: a name (*.md) or a path below the folder (repeatable).",
)
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="In folders, skip files and folders matching GLOB (repeatable)."
)
@click.option(
    "--field",
    "field_options",
    multiple=True,
    metavar="ROLE=NAME",
    help="In JSON Lines and CSV files, the field holding ROLE (title, text, date, outlet, author, url, id), "
    "e.g. text=body_html (repeatable; recorded with the PATHS).",
)
@click.option(
    "--forget",
    multiple=True,
    metavar="SOURCE",
    type=click.Path(path_type=Path),
    help="Stop reading a recorded source, and remove its articles (repeatable): one deleted, or moved for good.",
)
@click.option("--rebuild", is_flag=True, help="Discard the index and build it again, embedding everything.")
@click.option(
    "--follow-links/--no-follow-links",
    default=None,
    help="Follow symbolic links that lead out of the folders indexed (recorded; by default they are skipped).",
)
@click.option(
    "--max-size",
    "max_bytes",
    type=ByteSize(),
    help="Skip files larger than SIZE, e.g. 200M (recorded; default 50M).",
)
@click.option("--wait", type=click.FloatRange(0), metavar="SECONDS", help="Give up if another update runs longer.")
@click.option(
    "--shards",
    type=click.IntRange(1),
    metavar="N",
    help="Make a new index of N shards (index/shards/NN), each article in the shard its name hashes to.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--ray",
    "embed_on",
    metavar="ADDRESS|local",
    help="Embed on the Ray cluster at ADDRESS (HOST:PORT), or on one started here for `local` (default: qa --ray, "
    "env QA_RAY_ADDRESS).",
)
@MODEL_OPTION
@INDEX_OPTION
@click.pass_obj
def index(
    index_dir: Path,
    paths: tuple[Path, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    field_options: tuple[str, ...],
    forget: tuple[Path, ...],
    rebuild: bool,
    follow_links: bool | None,
    max_bytes: int | None,
    wait: float | None,
    shards: int | None,
    as_json: bool,
    embed_on: str | None,
    model_path: Path | None,
) -> None:
    """Add PATHS (files or folders) to the index and bring it up to date.

    Reads .txt, .md/.markdown, saved .html/.htm pages, .pdf reports, news-please
    .json, .jsonl/.csv files (also gzipped) of one article per record, web archives
    (.warc, .warc.gz) and RSS/Atom feeds; folders are walked recursively, hidden
    files and folders left out. The globs are recorded with
    the PATHS they came with. Only new or changed articles are embedded again.
    With no PATHS the recorded sources are scanned again (./seeds on a first build).
    A recorded source that cannot be found keeps its articles (a drive unplugged)
    until --forget names it.
    """
    given = [
        name for name, value in (("--field", field_options), ("--include", include), ("--exclude", exclude)) if value
    ]
    if given and not paths:
        raise click.UsageError(
            f"{' and '.join(given)} {'applies' if len(given) == 1 else 'apply'} to the PATHS given with "
            f"{'it' if len(given) == 1 else 'them'}: name the files or folders again "
            "(e.g. qa index --field text=notes exports/)"
        )
    try:  # from the start: a Ctrl-C while the libraries load is one line too
        from qa.formats.fields import parse_field_options
        from qa.progress import embedding_progress
        from qa.sharding import update_index

        fields = parse_field_options(field_options) if field_options else None
        options = {}
        if embed_on := embed_on or ray_address():  # joined first: an address that does not answer leaves it untouched
            from qa import ray_cluster

            ray_cluster.connect(embed_on)
            from qa.ray_embedding import RayEmbedder

            options["make_embedder"] = RayEmbedder
        with embedding_progress() as progress:
            summary = update_index(
                index_dir,
                list(paths),
                shards,
                include=include,
                exclude=exclude,
                model_path=model_path,
                rebuild=rebuild,
                forget=forget,
                progress=progress,
                say=lambda message: click.echo(f"qa: {message}", err=True),
                wait=wait,
                follow_links=follow_links,
                max_bytes=max_bytes,
                fields=fields,
                **options,
            )
    except KeyboardInterrupt:
        click.echo("qa: interrupted; the index is as it was before this run (finished batches are kept)", err=True)
        sys.exit(130)
    if as_json:
        click.echo(json_text(summary.as_json()))
        return
    click.echo(summary.describe())
    skipped_lines = []
    for skipped in summary.skipped:
        where = (
            f":{skipped['line']}"
            if "line" in skipped
            else f" record {skipped['record']}"
            if "record" in skipped
            else ""
        )
        count = f" ({counted(skipped['count'], 'record')})" if "count" in skipped else ""
        skipped_lines.append(f"skipped {one_line(skipped['path'])}{where}: {one_line(skipped['reason'])}{count}")
    _echo_some(skipped_lines, "skipped", "skipped")
    _echo_some([f"warning: {one_line(w['path'])}: {one_line(w['warning'])}" for w in summary.warnings], "warning")
    _echo_some(
        [f"duplicate {one_line(d['path'])}: same bytes as {one_line(d['same_as'])}" for d in summary.duplicates],
        "duplicate",
    )


LISTED_AT_MOST = 20  # of each kind of line after an update: a big archive's every bad file would bury the summary


def _echo_some(lines: list[str], noun: str, plural: str | None = None) -> None:
    """The first LISTED_AT_MOST lines on stderr, then how many more there are and where to read them all."""
    for line in lines[:LISTED_AT_MOST]:
        click.echo(line, err=True)
    if len(lines) > LISTED_AT_MOST:
        more = counted(len(lines) - LISTED_AT_MOST, f"more {noun}", f"more {plural or noun + 's'}")
        click.echo(f"… and {more} (qa index --json lists them all)", err=True)


@main.command()
@click.argument("question", required=False)
@K_OPTION
@MODE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@click.option(
    "--file",
    "questions_file",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help="Answer each line of this file ('-' = stdin).",
)
@click.option("--brief", is_flag=True, help="Print only the answer block: the values asked for and their sources.")
@filter_options
@MODEL_OPTION
@INDEX_OPTION
@click.pass_obj
def ask(
    index_dir: Path,
    question: str | None,
    k: int,
    mode: str,
    as_json: bool,
    questions_file,
    brief: bool,
    source: str | None,
    since: date | None,
    until: date | None,
    model_path: Path | None,
) -> None:
    """Answer QUESTION with the value it asks for (every value the sources give) and the passages, cited."""
    from qa.question import clean, required
    from qa.search import Searcher

    if (question is None) == (questions_file is None):
        raise click.UsageError("give either a QUESTION or --file FILE")
    if brief and as_json:
        raise click.UsageError("--brief shapes what is printed for a reader; --json prints everything: choose one")
    questions = [required(question)] if question is not None else [c for c in map(clean, questions_file) if c[0]]
    searcher = Searcher.open(index_dir, model_path, ray_address())  # the encoder loads while the rest is imported
    apply_filters(searcher, source, since, until)
    if not as_json:
        from qa.render import make_console, show_answer

        console = make_console()
    for text, notice in questions:
        if notice:
            click.echo(f"qa: {notice}", err=True)
        answer = searcher.ask(text, k, mode)
        if as_json:
            from qa.json_output import answer_json

            click.echo(json_text(answer_json(answer)))
        else:
            show_answer(console, answer, brief, searcher.filters)


@main.command()
@K_OPTION
@MODE_OPTION
@filter_options
@MODEL_OPTION
@INDEX_OPTION
@click.pass_obj
def chat(
    index_dir: Path,
    k: int,
    mode: str,
    source: str | None,
    since: date | None,
    until: date | None,
    model_path: Path | None,
) -> None:
    """Ask questions in a loop (reads stdin line by line when it is not a terminal)."""
    from qa import repl
    from qa.render import make_console
    from qa.search import Searcher

    searcher = Searcher.open(index_dir, model_path, ray_address())
    apply_filters(searcher, source, since, until)
    repl.run(searcher, make_console(), k, mode)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@INDEX_OPTION
@click.pass_obj
def info(index_dir: Path, as_json: bool) -> None:
    """What the index holds: articles, passages, model, size, when it was built."""
    from qa.backends.opening import open_backend
    from qa.backends.sharded.layout import is_sharded, shard_folders
    from qa.json_output import article_json

    backend = open_backend(index_dir, ray_address())
    store = backend.store
    manifest = store.require_complete()  # an interrupted first build has no model nor build time to tell
    copies = store.copies()
    built = datetime.fromtimestamp(manifest.built_at).astimezone()
    report = {
        "index": str(index_dir),
        **store.counts(),
        "vectors": store.vector_count(),
        "model": manifest.model_name or None,
        "model_sha256": manifest.model_sha256 or None,
        "size_bytes": sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()),
        "built_at": built.isoformat(timespec="seconds"),
        "generation": store.generation,
        "sources": [source.path for source in store.sources()],
        "article_list": [article_json(a, copies.get(a.path, [])) for a in store.articles().values()],
    }
    if is_sharded(index_dir):
        report["shards"] = len(shard_folders(index_dir))
    if missing := backend.gaps():
        report.update(partial=True, missing_shards=list(missing))
    if as_json:
        click.echo(json_text(report))
        return
    listed = report.pop("article_list")
    if report.pop("partial", False):
        from qa.answer import partial_notice

        click.echo(partial_notice(tuple(report.pop("missing_shards"))))
    for key, value in report.items():
        click.echo(f"{key:>13}: {one_line(', '.join(value) if isinstance(value, list) else value)}")
    for entry in listed:
        where = ", ".join(str(entry[key]) for key in ("outlet", "author", "date", "date_text") if entry.get(key))
        record = f" record {entry['record']}" if "record" in entry else ""
        copied = f" — {counted(len(entry['copies']), 'copy', 'copies')}" if entry["copies"] else ""
        click.echo(
            one_line(f"  {entry['path']}{record} — {entry['title']}" + (f" — {where}" if where else "") + copied)
        )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@INDEX_OPTION
@click.pass_obj
def check(index_dir: Path, as_json: bool) -> None:
    """Verify the whole index (database, counts, encoder, model, FAISS cache) and say what to do.

    Exits 1 when something is wrong.
    """
    from qa.backends.local.check import check as check_index
    from qa.backends.sharded.layout import is_sharded, shard_folders

    sharded = is_sharded(index_dir)
    reports = [check_index(folder) for folder in (shard_folders(index_dir) if sharded else [index_dir])]
    healthy = all(report.healthy for report in reports)
    if as_json:
        shards = {"index": str(index_dir), "healthy": healthy, "shards": [r.as_json() for r in reports]}
        click.echo(json_text(shards if sharded else reports[0].as_json()))
    else:
        for report in reports:
            click.echo(f"index: {one_line(report.index)}")
            for finding in report.findings:
                click.echo(f"{finding.check:>8}: {'ok' if finding.ok else 'FAILED'}, {one_line(finding.detail)}")
            click.echo(f"{report.verdict}: {report.advice()}")
    if not healthy:
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="0: any free port.")
@click.option(
    "--token",
    envvar="QA_TOKEN",
    help="Ask every request but /health for `Authorization: Bearer TOKEN` (env QA_TOKEN); "
    "needed to listen off this machine.",
)
@INDEX_OPTION
@click.pass_obj
def serve(index_dir: Path, host: str, port: int, token: str | None) -> None:
    """Answer over HTTP with the JSON of `qa ask --json` (its OpenAPI description at /openapi.json)."""
    from qa.http_api import listening_socket
    from qa.http_api import serve as serve_http
    from qa.service import Service

    listener = listening_socket(host, port, token or None)
    serve_http(Service(index_dir, ray_address=ray_address()), listener, token or None)


@main.command()
@INDEX_OPTION
@click.pass_obj
def mcp(index_dir: Path) -> None:
    """Answer an AI assistant over MCP (stdio): tools ask, open_article and list_sources."""
    from qa.mcp_server import serve as serve_mcp
    from qa.service import Service

    serve_mcp(Service(index_dir, ray_address=ray_address()))


def _floors(values: tuple[str, ...], option: str) -> dict[str, float]:
    """METRIC=VALUE pairs of a --fail-under/--fail-over option."""
    floors = {}
    for value in values:
        metric, _, number = value.partition("=")
        try:
            floors[metric.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"expected METRIC=VALUE, got {value!r}", param_hint=option) from None
        if not isfinite(floors[metric.strip()]):  # "nan" compares false with every score: it could never fail
            raise click.BadParameter(f"expected a finite number, got {value!r}", param_hint=option)
    return floors


@main.command(name="eval")
@click.argument("questions_path", metavar="FILE.jsonl|BEIR_DIR", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--mode",
    "modes",
    default="hybrid",
    show_default=True,
    help="Rankers to compare, comma-separated: hybrid,dense,lexical.",
)
@click.option("--failures", type=click.IntRange(0), default=0, help="List this many missed questions per mode.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--fail-under",
    "fail_under",
    multiple=True,
    metavar="METRIC=VALUE",
    help="Exit 1 if the first mode scores below (repeatable).",
)
@click.option(
    "--fail-over",
    "fail_over",
    multiple=True,
    metavar="METRIC=VALUE",
    help="Exit 1 if the first mode scores above (repeatable), e.g. flagged_answerable=0.1.",
)
@click.option(
    "--unanswerable",
    "unanswerable_path",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Questions the index does not answer (JSON lines): report how many the confidence flag catches.",
)
@MODEL_OPTION
@INDEX_OPTION
@click.pass_obj
def evaluate(
    index_dir: Path,
    questions_path: Path,
    modes: str,
    failures: int,
    as_json: bool,
    fail_under: tuple[str, ...],
    fail_over: tuple[str, ...],
    unanswerable_path: Path | None,
    model_path: Path | None,
) -> None:
    """Measure retrieval on a question set (JSON lines) or a BEIR folder.

    Reports hit@1/3/5/10 and mrr@10 by answer string, and gold@k and ndcg@10 when
    questions name their article and paragraph (or for BEIR qrels). With unanswerable
    questions (--unanswerable, or lines whose answers are []), the share of each side
    flagged not confident and the flag's precision and recall.
    """
    from qa import evaluate as ev
    from qa.render import make_console, show_figures
    from qa.search import MODES, Searcher

    chosen = [m.strip() for m in modes.split(",") if m.strip()]
    if not chosen or set(chosen) - set(MODES):
        raise click.BadParameter(f"modes are {', '.join(MODES)}", param_hint="--mode")
    floors, ceilings = _floors(fail_under, "--fail-under"), _floors(fail_over, "--fail-over")
    unknown = sorted((floors.keys() | ceilings.keys()) - set(ev.METRICS))
    if unknown:  # refused before the evaluation runs, however long it would take
        raise click.UsageError(f"no such metric: {', '.join(unknown)} (metrics: {', '.join(ev.METRICS)})")
    if questions_path.is_dir():
        index_dir, questions = _beir_index(questions_path, model_path)
    else:
        questions = ev.load_questions(questions_path)
    if unanswerable_path:
        questions += ev.load_questions(unanswerable_path, unanswerable=True)
    searcher = Searcher.open(index_dir, model_path, ray_address())
    judgements = ev.judge(searcher.backend, questions)
    table, missed = {}, {}
    for mode in chosen:
        rankings, words = ev.rank_all(searcher, questions, mode)
        evaluation = ev.score(rankings, judgements)
        median_words = float(sorted(words)[len(words) // 2]) if words else 0.0
        table[mode] = evaluation.figures | {"median_words": median_words}
        missed[mode] = evaluation.missed[:failures]
    if as_json:
        click.echo(json_text(table))
    else:
        unanswerable = sum(not q.answerable for q in questions)
        caption = f"{questions_path.name}: {counted(len(questions), 'question')}" + (
            f" ({unanswerable} unanswerable)" if unanswerable else ""
        )
        show_figures(make_console(), caption, table, missed)
    first = table[chosen[0]]
    unmeasured = sorted((floors.keys() | ceilings.keys()) - first.keys())
    if unmeasured:  # a metric this question set does not measure: no score to compare
        raise click.UsageError(f"not measured here: {', '.join(unmeasured)} (measured: {', '.join(first)})")
    below = [f"{m} {first[m]:.4f} < {v}" for m, v in floors.items() if first[m] < v]
    above = [f"{m} {first[m]:.4f} > {v}" for m, v in ceilings.items() if first[m] > v]
    if below:
        click.echo(f"qa: below the floor ({chosen[0]}): {'; '.join(below)}", err=True)
    if above:
        click.echo(f"qa: above the ceiling ({chosen[0]}): {'; '.join(above)}", err=True)
    if below or above:
        sys.exit(1)


def _beir_index(folder: Path, model_path: Path | None) -> tuple[Path, list]:
    """Index a BEIR corpus (one article per document) beside it in .qa/, incrementally; return that index and the questions."""
    from qa import evaluate as ev
    from qa import indexer
    from qa.backends.local.store import Store
    from qa.progress import embedding_progress

    corpus, questions = ev.load_beir(folder)
    articles = folder / ".qa" / "articles"
    ev.write_beir_articles(corpus, articles)
    index_dir = folder / ".qa" / "index"
    with embedding_progress() as progress:
        indexer.update(Store.create(index_dir), [articles], model_path=model_path, progress=progress)
    return index_dir, questions


def run() -> None:
    """The `qa` program: main, then an immediate exit with its status.

    By then every answer is written and every update committed; skipping the interpreter's
    teardown (freeing onnxruntime, FAISS and numpy, ~80 ms) makes one-shot commands that
    much faster. An unexpected exception still ends the ordinary way, with its traceback.
    """
    for stream in (sys.stdout, sys.stderr):  # whatever slips through is shown escaped, never a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        main()
        status = 0
    except SystemExit as done:
        status = done.code
        if isinstance(status, str):
            print(status, file=sys.stderr)
            status = 1
    if "qa.ray_cluster" in sys.modules:  # the exit hook that stops a Ray this process started is skipped
        sys.modules["qa.ray_cluster"].disconnect()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a reader that left early (`| head`), or a closed stream
            pass
    os._exit(status or 0)
