"""The `nntrace` command: parsing, wiring and exit codes. No math lives here.

Exit status: 0 success, 1 a run that went wrong on its own terms (diverged, traces differ),
2 trouble (bad input, unreadable or unwritable file), 128 + the signal when stopped by one:
130 Ctrl-C (SIGINT), 143 SIGTERM, 129 SIGHUP.
"""

from __future__ import annotations

import math
import os
import signal
import sys
from typing import Any, Sequence

import click

from .check import ATOL, RTOL
from .core.activations import ACTIVATIONS, DEFAULT_ACTIVATION
from .core.conventions import CONVENTIONS, DEFAULT_CONVENTION
from .core.losses import DEFAULT_LOSS, LOSSES
from .core.numbers import read_float
from .core.slips import SLIP_CHOICES
from .errors import ArgumentError, NntraceError, NonFiniteError, one_line
from .files import guarding_reads

MULTI_NUMBER_OPTIONS = ("--input", "--target")


def expand_number_lists(args: Sequence[str]) -> list[str]:
    """Let `--input 0 1` mean `--input 0 --input 1` (a click option takes a fixed count)."""
    result: list[str] = []
    current = None  # the option whose numbers are being read
    for arg in args:
        if arg in MULTI_NUMBER_OPTIONS:
            current = arg
        elif current and (looks_like_number(arg) or not arg.startswith("-")):
            if result[-1] != current:
                result.append(current)
        else:
            current = None
        result.append(arg)
    return result


def looks_like_number(text: str) -> bool:
    try:
        read_float(text)
    except ValueError:
        return text.lower().lstrip("+-") in ("nan", "inf", "infinity")
    return True


class NntraceCommand(click.Command):
    """A command whose library errors about one argument read as click's about its option."""

    def invoke(self, ctx: click.Context) -> Any:
        distinct_files(ctx)
        try:
            with guarding_reads():
                return super().invoke(ctx)
        except ArgumentError as error:
            raise click.BadParameter(error.problem, ctx, param_hint=f"'{option_of(error.argument)}'") from None


class NntraceGroup(click.Group):
    """Turns every expected failure into one line on stderr and the right exit status."""

    command_class = NntraceCommand

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        args = expand_number_lists(sys.argv[1:] if args is None else list(args))
        streams = sys.stdout, sys.stderr
        try:
            result = self.run(args, **extra)
        finally:
            sys.stdout, sys.stderr = streams
        sys.exit(result if isinstance(result, int) else 0)

    def run(self, args: list[str], **extra: Any) -> Any:
        """The command, its output through plain streams (ASCII where a stream is not UTF-8,
        no trailing spaces when not a terminal); every failure one line and its status."""
        from .ascii import plain_stream

        sys.stderr = plain_stream(sys.stderr)
        if sys.stdout is None:   # started with standard output closed (`>&-`)
            fail("nntrace: cannot write standard output: it is closed", 2)
        sys.stdout = plain_stream(sys.stdout)
        try:
            result = super().main(args, "nntrace", standalone_mode=False, **extra)
            sys.stdout.flush()   # a full disk says so here, not after exit
            return result
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "nntrace"
            hint = f" (see '{command} --help')" if error.ctx else ""
            fail(f"{command}: {error.format_message()}{hint}", 2)
        except NonFiniteError as error:
            fail(f"nntrace: {error}", 1)
        except NntraceError as error:
            fail(f"nntrace: {error}", 2)
        except (click.Abort, KeyboardInterrupt) as error:
            # click wraps KeyboardInterrupt in Abort; a training.Interrupted names its signal.
            signum = getattr(error.__cause__ or error, "signum", signal.SIGINT)
            fail("nntrace: interrupted", 128 + signum)
        except click.ClickException as error:
            fail(f"nntrace: {error.format_message()}", error.exit_code)
        except BrokenPipeError:
            # The reader (say `head`) has seen enough; stop quietly, as cat(1) does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as error:
            where = f" '{error.filename}'" if error.filename else " standard output"
            fail(f"nntrace: cannot write{where}: {error.strerror or error}", 2)


# The files a command reads, then those it writes, by parameter name.
INPUTS = ("weights_path", "data_path", "example_path", "example", "expected", "actual", "trace", "against_path")
OUTPUTS = ("save_path", "trace_path", "export_path", "picture_path", "plot_path", "output_path", "explore_path")
IN_PLACE = {("weights_path", "save_path")}   # --weights net.json --save net.json: an update


def distinct_files(ctx: click.Context) -> None:
    """Before anything is read or written: `-` (standard input) read once and never written
    to, and no file written by two options, or read by one and written by another."""
    names = {p.name: p for p in ctx.command.params}
    given = [(name, ctx.params[name]) for name in (*INPUTS, *OUTPUTS) if ctx.params.get(name)]
    for index, (name, path) in enumerate(given):
        hint = option_hint(names[name])
        for other, other_path in given[:index]:
            if name in INPUTS and other in INPUTS and path != "-":
                continue   # reading one file twice is harmless
            if (other, name) in IN_PLACE or not same_file(path, other_path):
                continue
            what = ("standard input, already read by" if path == "-"
                    else f"'{path}': the same file as")
            raise click.BadParameter(f"{what} {option_hint(names[other])}; no two options may name the "
                                     f"same file (only --weights and --save, to update a network in place)",
                                     ctx, param_hint=hint)


def option_hint(param: click.Parameter) -> str:
    return f"'{param.opts[0]}'" if isinstance(param, click.Option) else f"'{param.human_readable_name}'"


def same_file(a: str, b: str) -> bool:
    """The same path, through symbolic links, or the same file under two names (a hard link)."""
    if a == "-" or b == "-" or "\x00" in a + b:   # a NUL byte: refused as a name elsewhere
        return a == b
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:   # one does not exist yet
        return False


OPTIONS = {"network": "--weights", "slips": "--slip"}   # the rest: --<argument>


def option_of(argument: str) -> str:
    """The CLI option of an api argument: lr -> --lr, slips -> --slip, batch_size -> --batch-size."""
    return OPTIONS.get(argument, "--" + argument.replace("_", "-"))


def fail(message: str, status: int) -> None:
    message = one_line(message)
    if sys.stderr is not None:   # closed too: the status alone tells
        try:
            click.echo(message, err=True)
            sys.stderr.flush()
        except OSError:
            pass
    sys.exit(status)


class FiniteFloat(click.ParamType):
    """A float that refuses NaN and infinity."""

    name = "number"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:   # −1 (U+2212, the minus sign nntrace and typesetting print) is -1
            number = read_float(value) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


NUMBER = FiniteFloat()


class FilePath(click.Path):
    """A file to read; a name no file can have (a NUL byte) is refused rather than raised."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            self.fail(f"{value!r}: not a file name (it holds a NUL byte)", param, ctx)
        return super().convert(value, param, ctx)


FILE = FilePath(dir_okay=False)


class BatchSize(click.ParamType):
    """A whole number of samples, at least 1, or all."""

    name = "N|all"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | str:
        from .core.settings import batch_argument

        try:
            return batch_argument(value)
        except ArgumentError as error:
            self.fail(f"{value!r}: {error.problem}", param, ctx)


BATCH = BatchSize()


def make_console(**options: Any):
    from rich.console import Console

    # rich drops styling when stdout is not a terminal; NO_COLOR asks for plain text too
    # (rich alone would keep bold and dim).
    if os.environ.get("NO_COLOR"):
        options.setdefault("color_system", None)
    return Console(highlight=False, **options)


def not_stdout(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`-` is standard input to the options that read; an output option refuses it."""
    if value == "-":
        instead = ("print the trace with --json" if (param.name, ctx.command.name) == ("trace_path", "step")
                   else "name a file")
        raise click.BadParameter(f"'-': standard output holds the report, not a file; {instead}", ctx, param)


def writable(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an unwritable output path before any work, so nothing is touched."""
    from .files import check_writable

    not_stdout(ctx, param, value)
    if value is not None:
        try:
            check_writable(value, f"--{param.name}", probe=True)
        except NntraceError as error:
            raise click.BadParameter(str(error).partition(": ")[2], ctx, param) from None
    return value


def checked_output(ctx: click.Context, param: click.Parameter, value: str | None,
                   *checks: Any) -> str | None:
    """Run each check(path, option) on an output path, then `writable`; before any work."""
    not_stdout(ctx, param, value)
    if value is not None:
        for check in checks:
            try:
                check(value, f"--{param.name}")
            except NntraceError as error:
                raise click.BadParameter(str(error).partition(": ")[2], ctx, param) from None
    return writable(ctx, param, value)


def exportable(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An --export path: .md, .html, .svg or .tex, in a writable place."""
    if value is None:
        return None
    from .render.export import export_format

    return checked_output(ctx, param, value, export_format)


def picturable(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --picture path: .svg, in a writable place."""
    if value is None:
        return None
    from .files import known_extension

    return checked_output(ctx, param, value, lambda path, option: known_extension(path, (".svg",), option))


def plottable(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --plot path: .png or .svg, with matplotlib installed, in a writable place."""
    if value is None:
        return None
    from .render.plot import check_matplotlib, plot_format

    return checked_output(ctx, param, value, plot_format, lambda path, option: check_matplotlib(option))


def non_negative(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """A rate or tolerance, refused before any work when negative."""
    if value < 0:
        raise click.BadParameter(f"{value:g} is negative; it is 0 or more", ctx, param)
    return value


weights_option = click.option(
    "--weights", "weights_path", metavar="FILE", type=FILE,
    help="Network file (docs/formats.md), or - for standard input. Default: the article's 2-4-1 "
         "XOR network.")
lr_option = click.option("--lr", type=NUMBER, default=0.001, show_default=True,
                         help="Learning rate.")
convention_option = click.option(
    "--convention", type=click.Choice(list(CONVENTIONS)), default=DEFAULT_CONVENTION, show_default=True,
    help=" ".join(f"{c.name}: {c.description}." for c in CONVENTIONS.values()))
loss_option = click.option(
    "--loss", type=click.Choice(list(LOSSES)), default=DEFAULT_LOSS, show_default=True, metavar="NAME",
    help="The loss, per sample: " + "; ".join(f"{l.name}: {l.description}" for l in LOSSES.values()) + ".")
momentum_option = click.option(
    "--momentum", type=NUMBER, default=0.0, show_default=True, callback=non_negative,
    help="Momentum μ, as torch.optim.SGD: v ← μ·v + g, w ← w − lr·v (v = g at the first update).")
decay_option = click.option(
    "--weight-decay", "weight_decay", type=NUMBER, default=0.0, show_default=True,
    callback=non_negative,
    help="Weight decay λ, as torch.optim.SGD: g ← g + λ·w, for weights and biases.")


def data_option(text: str):
    return click.option("--data", "data_path", metavar="FILE", type=FILE, help=text)


def batch_option(text: str):
    return click.option("--batch-size", "batch_size", type=BATCH, metavar="N|all", help=text)


slip_option = click.option(
    "--slip", "slips", multiple=True, metavar="NAME",
    help="Reproduce a known mistake (repeatable): "
         + SLIP_CHOICES + ".")
export_option = click.option(
    "--export", "export_path", metavar="FILE", callback=exportable,
    help="Also write what is shown to FILE: .md, .html, .svg or .tex, by its extension.")
digits_option = click.option("--digits", type=click.IntRange(1, 17), default=7, show_default=True,
                             help="Significant digits shown (never changes what is computed).")
def all_option(files: str):
    return click.option(
        "--all", "show_all", is_flag=True,
        help="Show every neuron and weight of a network wider than a screen (by default a layer of "
             "more than 16 neurons shows its first 8, each with its first 8 weights, and says how "
             f"many more there are); {files} the same.")


@click.group(cls=NntraceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nntrace")
def cli() -> None:
    """Backpropagation you can check number by number.

    Runs the 2-4-1 XOR network of the worked example "How neural network works?
    Let's figure it out" (or any network file) and shows every intermediate value
    with its formula filled in.

    \b
    Examples:
      nntrace step --input 0 1
      nntrace step --input 0 1 --convention article
      nntrace step --weights examples/2-2-2.json --input 0.05 0.1 \\
                   --target 0.01 0.99
      nntrace train --epochs 10000 --lr 0.5 --save trained.json
      nntrace step --input 0 1 --slip derivative-on-output --trace wrong.json
      nntrace diff fixtures/article/exact.json wrong.json
      nntrace show --weights trained.json --export net.svg
    """


@cli.command()
@weights_option
@click.option("--input", "inputs", type=NUMBER, multiple=True, metavar="X...",
              help="The input values, one per input neuron, e.g. --input 0 1.")
@click.option("--target", "targets", type=NUMBER, multiple=True, metavar="T...",
              help="The target values, one per output neuron. Optional for XOR inputs of 0/1.")
@data_option("Instead of --input/--target: the first batch of the samples in FILE (a CSV of "
             "inputs then targets a row; - for standard input), one update from their mean gradient.")
@batch_option("With --data: how many of its first rows make the batch (default all).")
@lr_option
@loss_option
@momentum_option
@decay_option
@convention_option
@slip_option
@digits_option
@all_option("--export and --picture write")
@click.option("--trace", "trace_path", metavar="FILE", callback=writable,
              help="Also write the trace (every value by name) to FILE (.json or .jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the trace as JSON instead of tables.")
@export_option
@click.option("--show", is_flag=True,
              help="Also draw the network with each weight's old and new value.")
@click.option("--picture", "picture_path", metavar="FILE.svg", callback=picturable,
              help="Also draw the network as an SVG picture, each weight's line labelled "
                   "old → new (as `show --export FILE.svg` draws it).")
@click.option("--save", "save_path", metavar="FILE", callback=writable,
              help="Write the updated network to FILE (a network file, for --weights), so steps "
                   "chain: --weights FILE --save FILE updates it in place. Not with --momentum: the "
                   "file has no place for the velocities.")
@click.option("--example", "example_path", metavar="FILE", type=FILE,
              help="A worked-example file (see `nntrace check`): its network, sample and settings "
                   "unless given, and its printed figures beside the step's values.")
def step(**options: Any) -> None:
    """One iteration: forward, backward and every updated weight, line by line.

    Every value is shown with its formula filled in, under its trace name (L1.n1.net)
    and, for the article's 2-4-1 network, the article's name (net1_h). For the
    article's own example, the figure the article printed stands beside each line
    (✓ where the value, rounded or truncated to the printed digits, is the figure);
    under exact math without a slip, the lines where it differs say why.

    With --data FILE instead of --input/--target, one update from a batch of FILE's
    first rows (all of them by default): each sample's forward and backward values,
    then each weight's mean gradient, (g1 + g2 + ...) / n, and its update.

    \b
    Examples:
      nntrace step --input 0 1                         # the article's iteration
      nntrace step --input 0 1 --convention article    # its arithmetic
      nntrace step --input 1 1 --lr 0.5 --digits 4
      nntrace step --input 0 1 --json > step.json
      nntrace step --weights examples/2-2-2.json --input 0.05 0.1 \\
                   --target 0.01 0.99
      nntrace step --data examples/xor.csv --batch-size 2 --momentum 0.9
      nntrace step --input 0 1 --export step.md     # also .html .svg .tex
      nntrace step --input 0 1 --lr 0.5 --show      # the network, old → new
      nntrace step --input 0 1 --lr 0.5 --picture step.svg   # the same as a picture
      nntrace init 2-30-1 > wide.json
      nntrace step --weights wide.json --input 0.3 0.8 --target 1 --all   # every value
    """
    from . import api
    from .views.document import step_document

    o = options
    example = None
    if o["example_path"]:
        from .check.example import read_example

        example = read_example(o["example_path"])
        example_defaults(o, example)
    check_step_options(o)
    trace = api.step(o["weights_path"], o["inputs"] or None, o["targets"] or None, o["lr"],
                     o["convention"], o["slips"], o["loss"], o["data_path"], o["batch_size"],
                     o["momentum"], o["weight_decay"])
    document = step_document(trace, o["digits"], o["show"], example, not o["show_all"])
    if o["as_json"]:
        from .trace.write import dumps_trace

        click.echo(dumps_trace(trace), nl=False)
    else:
        print_parts(document.parts)
    write_step_files(trace, document, o)


def example_defaults(o: dict, example) -> None:
    """The example's network, sample, learning rate and loss, where the command line gives none."""
    given = click.get_current_context().get_parameter_source
    if o["weights_path"] is None:
        o["weights_path"] = example.network
    if not o["inputs"] and not o["data_path"]:
        o["inputs"], o["targets"] = example.input, o["targets"] or example.target
    for option, value in (("lr", example.settings.learning_rate), ("loss", example.settings.loss),
                          ("weight_decay", example.settings.weight_decay)):
        if given(option) == click.core.ParameterSource.DEFAULT:
            o[option] = value


def check_step_options(o: dict) -> None:
    """Options that cannot go together, refused before any work."""
    if o["as_json"] and o["show"]:
        raise click.BadParameter("not with --json, which prints the trace alone; draw the "
                                 "network with --picture FILE.svg or --export", param_hint="'--show'")
    if o["data_path"] and (o["inputs"] or o["targets"]):
        raise click.BadParameter("not with --data, whose rows are the inputs and targets",
                                 param_hint="'--input'" if o["inputs"] else "'--target'")
    if not o["data_path"] and not o["inputs"]:
        raise click.UsageError("Missing option '--input' (or --data FILE)")
    if o["batch_size"] is not None and not o["data_path"]:
        raise click.BadParameter("only means something with --data", param_hint="'--batch-size'")
    if o["save_path"] and o["momentum"]:
        raise click.BadParameter("not with --momentum: a network file has no place for the "
                                 "velocities, which the next step would need", param_hint="'--save'")


def write_step_files(trace, document, o: dict) -> None:
    """`step --trace`, `--export`, `--picture` and `--save`, each written whole."""
    from .trace.model import network_after

    if o["trace_path"]:
        from .trace.write import write_trace

        write_trace(trace, o["trace_path"], "--trace")
    if o["export_path"]:
        from .render.export import export

        export(document, o["export_path"])
    after = network_after(trace.network, trace.steps[0]) if o["picture_path"] or o["save_path"] else None
    if o["picture_path"]:
        from .files import write_atomically
        from .render.svg import network_svg

        write_atomically(o["picture_path"], network_svg(trace.network, after, o["digits"],
                                                        summary=not o["show_all"]), "--picture")
    if o["save_path"]:
        from .core.network import save_network

        save_network(after, o["save_path"])


@cli.command()
@weights_option
@digits_option
@all_option("--export writes")
@export_option
def show(weights_path: str | None, digits: int, show_all: bool, export_path: str | None) -> None:
    """Draw the network: layers as columns, every connection with its weight.

    Each layer names its activation, each neuron its bias. A network too wide for the
    terminal is shown as a table of connections; one with a layer wider than a screen
    as a table per layer of the connections into its first neurons (--all: every one).
    --export FILE.svg draws a picture (neurons as circles, connections as lines with
    their weights); .md, .html and .tex write what the terminal shows.

    \b
    Examples:
      nntrace show                                   # the article's 2-4-1 network
      nntrace train --lr 0.5 --save trained.json
      nntrace show --weights trained.json --digits 3
      nntrace show --weights trained.json --export net.svg
      nntrace init 2-40-1 > big.json
      nntrace show --weights big.json --all --export every-weight.md
    """
    from . import api
    from .views.document import show_document

    network = api.show(weights_path)
    document = show_document(network, digits, not show_all)
    print_parts(document.parts)
    if export_path and export_path.lower().endswith(".svg"):
        from .files import write_atomically
        from .render.svg import network_svg

        write_atomically(export_path, network_svg(network, digits=digits, summary=not show_all), "--export")
    elif export_path:
        from .render.export import export

        export(document, export_path)


@cli.command()
@click.argument("expected", type=FILE)
@click.argument("actual", type=FILE)
@click.option("--rtol", type=NUMBER, default=RTOL, show_default=True, callback=non_negative,
              help="Relative tolerance: values e and a agree when |e − a| ≤ max(rtol × max(|e|, |a|), "
                   "atol). The defaults suit float64 code; for float32 code try --rtol 1e-6.")
@click.option("--atol", type=NUMBER, default=ATOL, show_default=True, callback=non_negative,
              help="Absolute tolerance, for values near zero (a worksheet to 4 decimals: 1e-4).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of tables.")
def diff(expected: str, actual: str, rtol: float, atol: float, as_json: bool) -> int:
    """Compare two traces: the first wrong number, and the slip that explains it.

    EXPECTED is the reference, ACTUAL the trace under test (.json or .jsonl, from nntrace
    or from your own code: docs/formats.md). Steps are matched by iteration, values by
    name. The earliest recorded difference is the earliest in the order the computation
    produces values (forward, backward, updates): it is the cause only if nothing
    computed before it went unrecorded; the rest follow. A different setup (learning
    rate, loss, network, input, target, samples in a batch) is printed first. Values
    ACTUAL does not record are listed as not checked, not as wrong.

    When the traces differ, the network, the settings (learning rate, loss, batch
    size, momentum, weight decay), inputs and targets (ACTUAL's, else EXPECTED's) are
    replayed under each known slip, each pair of slips, rounded:N and truncated:N, and
    the article's convention, to say which one reproduces ACTUAL.

    Exit status: 0 same, 1 different, 2 trouble (a file unreadable or not a trace).

    For a worksheet with numbers to 4 decimals, loosen the tolerance: --atol 1e-4.

    \b
    Examples:
      nntrace step --input 0 1 --trace expected.json
      nntrace step --input 0 1 --slip derivative-on-output --trace wrong.json
      nntrace diff expected.json wrong.json
      nntrace diff fixtures/article/exact.json wrong.json --atol 1e-4 --json
    """
    import json

    from . import api

    view = api.diff(expected, actual, rtol, atol)
    if as_json:
        click.echo(json.dumps(view.to_dict(), indent=1, allow_nan=False))  # strict JSON
    else:
        print_parts([view])
    return 0 if view.comparison.same else 1


def page_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An explore page: FILE.html (or .htm), in a writable place."""
    if value is None:
        return None
    from .files import known_extension

    return checked_output(ctx, param, value, lambda path, option: known_extension(path, (".html", ".htm"), option))


@cli.command()
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option("--output", "-o", "output_path", metavar="FILE.html", required=True, callback=page_path,
              help="The page to write: one self-contained HTML file (data, styles and script "
                   "inline; it fetches nothing, so it works offline).")
@click.option("--against", "against_path", metavar="ACTUAL", type=click.Path(dir_okay=False),
              help="A second trace (yours) to show beside TRACE: both values on every line, the "
                   "first difference marked, as `nntrace diff TRACE ACTUAL` finds it.")
@click.option("--rtol", type=NUMBER, default=RTOL, show_default=True, callback=non_negative,
              help="With --against: relative tolerance, as diff's.")
@click.option("--atol", type=NUMBER, default=ATOL, show_default=True, callback=non_negative,
              help="With --against: absolute tolerance, as diff's.")
@click.option("--example", "example_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="A worked-example file (see `nntrace check`): its printed figures, ✓ or ≠, "
                   "beside the steps that are its own example (default: the article's).")
@digits_option
@all_option("the page holds")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
def explore(trace: str, output_path: str, against_path: str | None, rtol: float, atol: float,
            example_path: str | None, digits: int, show_all: bool, open_page: bool) -> None:
    """Write a page to step through a trace in the browser: the network, the tables, the loss.

    TRACE is a .json or .jsonl trace, from `step`, `train` or your own code (see
    `nntrace diff`). The page draws the network (each weight's colour and thickness its
    value at the step shown; hover or focus a neuron or a weight for its values), the
    step's tables with the same formula lines as the terminal, and the loss curve of the
    run's epochs; a slider, the buttons and the arrow keys move through the steps. A
    long trace is thinned evenly to what keeps the page small, and the page says so; a
    network too large to draw is summarised as `step` summarises it (--all: every value).

    \b
    Examples:
      nntrace train --lr 0.5 --trace run.jsonl --every 10
      nntrace explore run.jsonl --output run.html --open
      nntrace step --input 0 1 --trace step.json
      nntrace explore step.json -o step.html
      nntrace step --input 0 1 --slip derivative-on-output --trace wrong.json
      nntrace explore step.json --against wrong.json -o diff.html
      nntrace step --example examples/mazur-2-2-2.json --trace mazur.json
      nntrace explore mazur.json --example examples/mazur-2-2-2.json -o mazur.html
      nntrace train --lr 0.5 --explore run.html          # the same, in one command
    """
    from . import api

    given = click.get_current_context().get_parameter_source
    for name in ("rtol", "atol"):
        if not against_path and given(name) != click.core.ParameterSource.DEFAULT:
            raise click.BadParameter("only means something with --against", param_hint=f"'--{name}'")
    view = api.explore(trace, against_path, digits, rtol, atol, example=example_path, every_value=show_all)
    write_page(view, output_path, "--output", open_page)


def write_page(view, path: str, option: str, open_page: bool = False) -> None:
    """An explore page, written whole; with `open_page` shown in the default browser."""
    from .files import write_atomically
    from .render.explore import explore_html

    write_atomically(path, explore_html(view), option)
    if open_page:
        import webbrowser
        from pathlib import Path

        if not webbrowser.open(Path(path).resolve().as_uri()):
            click.echo(f"nntrace: no browser to open it with here; the page is {path}", err=True)


def print_parts(parts, console=None) -> None:
    """Each view of a command's output, rendered for the terminal."""
    from .render.terminal import renderable

    (console or make_console()).print(*(renderable(part) for part in parts))


@cli.command()
@click.argument("example", required=False, type=FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
@digits_option
@export_option
@click.option("--template", is_flag=True,
              help="Print a worked-example file to fill in instead: every trace name of the step "
                   "of --weights, --input, --target, --lr and --loss, each figure \"\" (not printed).")
@weights_option
@click.option("--input", "inputs", type=NUMBER, multiple=True, metavar="X...", help="With --template.")
@click.option("--target", "targets", type=NUMBER, multiple=True, metavar="T...", help="With --template.")
@lr_option
@loss_option
def check(**o: Any) -> int:
    """Judge a published worked example, figure by figure.

    EXAMPLE is a worked-example file (docs/formats.md): a network, one sample, the
    settings, and the figures the text printed, as strings. With none, the article's.
    Each figure, in the order the computation produces it, gets the first verdict that
    holds: agrees (the exact value rounds or truncates to it), follows (it follows from
    the figures printed before it: the text rounded and carried on), slip (a known slip,
    a pair, or rounded:N/truncated:N reproduces it), wrong (nothing does: what the line
    should be is given). Then the first figure that goes wrong.

    Exit status: 0 when no figure is a slip or wrong, 1 otherwise, 2 for trouble. The
    article's own example exits 1: its derivative slip.

    \b
    Examples:
      nntrace check                            # the article's 37 figures
      nntrace check examples/mazur-2-2-2.json --json
      nntrace init 2-2-1 --seed 7 > net.json
      nntrace check --template --weights net.json --input 0.5 1 --target 1 > mine.json
      nntrace check mine.json --export check.md
    """
    from . import api

    template_only(o)
    if o["template"]:
        import json

        if o["example"]:
            raise click.BadParameter("not with --template, which writes a new one", param_hint="'EXAMPLE'")
        for name, option in (("export_path", "--export"), ("as_json", "--json")):
            if o[name]:
                raise click.BadParameter("not with --template, which prints a new example as JSON "
                                         "(redirect it to a file)", param_hint=f"'{option}'")
        click.echo(json.dumps(api.example_template(o["weights_path"], o["inputs"] or api.article.INPUT,
                                                   o["targets"] or None, o["lr"], o["loss"]), indent=2))
        return 0
    from .views.check import check_view
    from .views.document import Document

    report = api.check(o["example"])
    document = Document("nntrace check", [check_view(report, o["digits"])])
    if o["as_json"]:
        import json

        click.echo(json.dumps(report.to_dict(), indent=1, allow_nan=False))
    else:
        print_parts(document.parts)
    if o["export_path"]:
        from .render.export import export

        export(document, o["export_path"])
    return 0 if report.first_wrong is None else 1


def template_only(o: dict) -> None:
    """The step's options describe a new example: refused with an example, which carries its own."""
    given = click.get_current_context().get_parameter_source
    if o["template"]:
        return
    for name, option in (("weights_path", "--weights"), ("inputs", "--input"), ("targets", "--target"),
                         ("lr", "--lr"), ("loss", "--loss")):
        if given(name) != click.core.ParameterSource.DEFAULT:
            raise click.BadParameter("only with --template: an example file carries its own network, "
                                     "sample and settings", param_hint=f"'{option}'")


def jsonl_writable(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A training trace is streamed as JSON Lines, so its file must say so."""
    from .trace.write import is_jsonl

    not_stdout(ctx, param, value)
    if value is not None and not is_jsonl(value):
        raise click.BadParameter(f"'{value}': a training trace is streamed as JSON Lines; "
                                 f"name it FILE.jsonl", ctx, param)
    return writable(ctx, param, value)


@cli.command()
@weights_option
@data_option("CSV of training samples: the inputs then the targets on each row, separated by "
             "commas, semicolons, tabs or spaces, a header line optional; - for standard input. "
             "Default: the article's XOR table.")
@click.option("--epochs", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Epochs to run; one epoch is every sample once.")
@batch_option("Samples per update (default 1, online descent as the article): the gradient is their "
              "mean; the last batch of an epoch may be short; all: the whole data set.")
@lr_option
@loss_option
@momentum_option
@decay_option
@convention_option
@slip_option
@click.option("--shuffle", is_flag=True, help="Shuffle the samples every epoch (default: file order).")
@click.option("--seed", type=int, help="Seed of --shuffle, to repeat a shuffled run.")
@click.option("--save", "save_path", metavar="FILE", callback=writable,
              help="Write the trained network to FILE (a network file, for --weights).")
@click.option("--trace", "trace_path", metavar="FILE.jsonl", callback=jsonl_writable,
              help="Stream the trace of the recorded iterations, and each epoch's loss, to FILE.jsonl "
                   "as they run.")
@click.option("--every", type=click.IntRange(min=1), default=1, show_default=True, metavar="K",
              help="With --trace, record every K-th iteration (an iteration is an update).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON summary (epochs, losses, outputs, verdict, network) instead of tables.")
@digits_option
@export_option
@click.option("--plot", "plot_path", metavar="FILE", callback=plottable,
              help="Also draw the loss per epoch to FILE (.png or .svg); needs the extra "
                   "nntrace[plot] (matplotlib). From 1000 epochs on, each point is the mean of "
                   "a stretch of epochs (2, 4, 8, ...), as the title says.")
@click.option("--explore", "explore_path", metavar="FILE.html", callback=page_path,
              help="Also write the page `nntrace explore` writes for the run: from the --trace "
                   "file, or without one from evenly spaced steps kept in memory.")
def train(**options: Any) -> int:
    """Train by gradient descent and say whether the network learned.

    One iteration is one update: by default one sample forward, backward and update,
    exactly as `step` does it (online descent, the article's); with --batch-size N the
    mean gradient of N samples. One epoch is every sample once, in file order (shuffled
    with --shuffle). While it runs a progress bar shows the epoch, the loss and the
    speed (on a terminal); at the end come the loss curve, each sample's output against
    its target (40 at most; --json lists every one), and a verdict in plain words.
    Ctrl-C (or SIGTERM, SIGHUP) stops at the end of the current iteration and still
    writes --save and --trace; a second one stops at once, without the report, and
    still writes them whole; exit status 128 + the signal (130, 143, 129).

    \b
    Examples:
      nntrace train                      # the article's settings: learns nothing
      nntrace train --lr 0.5             # exact math at 0.5: learns XOR
      nntrace train --lr 0.5 --save trained.json --trace run.jsonl --every 100
      nntrace init 2-3-1 --seed 7 > net.json
      nntrace train --weights net.json --data examples/xor.csv --shuffle --seed 1
      nntrace train --lr 0.5 --batch-size all --momentum 0.9 --epochs 2000
      nntrace train --lr 0.5 --plot loss.png --export train.md
      nntrace train --lr 0.5 --explore run.html     # to step through in a browser
    """
    from . import api
    from .train import signals

    o = options
    if o["seed"] is not None and not o["shuffle"]:
        raise click.BadParameter("only means something with --shuffle", param_hint="'--seed'")
    if o["every"] != 1 and o["trace_path"] is None:
        raise click.BadParameter("only means something with --trace", param_hint="'--every'")
    bar, console = progress_and_console(o)
    try:
        with signals.interruptible() as stop, bar as progress:
            result = api.train(o["weights_path"], o["data_path"], o["epochs"], o["lr"], o["convention"],
                               o["slips"], o["loss"], o["shuffle"], o["seed"], o["trace_path"], o["every"],
                               progress, stop, o["batch_size"] or 1, o["momentum"], o["weight_decay"],
                               keep_for_page(o))
    except signals.Interrupted as error:
        stopped_at_once(error, o["save_path"], o["trace_path"])
    unsaved = save_trained(result, o["save_path"])
    if o["as_json"]:
        echo_json(result.to_dict())
    else:
        from .views.document import train_document

        print_parts(train_document(result, o["digits"], timing=True).parts, console)
    if unsaved:   # checked before training, and still not written: the report at least is shown
        raise unsaved
    write_training_files(result, o["digits"], o["export_path"], o["plot_path"])
    if o["explore_path"]:
        view = api.explore(result.kept or o["trace_path"], digits=o["digits"],
                           name=None if o["trace_path"] else f"a run on {result.data} (kept in memory)")
        write_page(view, o["explore_path"], "--explore")
    return exit_status(result, o["epochs"], stop, o["save_path"], o["trace_path"])


def save_trained(result, save_path: str | None) -> NntraceError | None:
    """Write --save; its failure (a file made immutable during the run) is returned, to be
    raised once the run's report is printed, so that the run is not lost with it."""
    if not save_path:
        return None
    from .core.network import save_network
    from .train import signals

    try:
        with signals.signals_deferred():   # a second signal waits until the file is whole
            save_network(result.network, save_path)
    except NntraceError as error:
        return error
    return None


def echo_json(data: Any) -> None:
    """Print what json.dumps(data, indent=2) writes (non-ASCII as \\u escapes), by orjson: a
    run's summary lists every sample, which Python's indenting encoder takes a second for.
    Text of ASCII only, no line of it ending in a space (a string holds no line break),
    goes to standard output as bytes when it can: a summary of 1000 samples of 256 inputs
    is 9 MB, which decoding, the plain stream's search for trailing spaces, click's for
    ANSI codes and encoding again would take 30 ms over."""
    import json
    import re

    import orjson

    from .ascii import PlainStream

    raw = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if isinstance(sys.stdout, PlainStream) and sys.stdout.write_ascii(raw):
        return
    text = raw.decode()
    text = text if text.isascii() else re.sub(r"[^\x00-\x7f]", lambda m: json.dumps(m[0])[1:-1], text)
    click.echo(text, nl=False)


def progress_and_console(o: dict):
    """The progress bar (on a terminal) and the report's console; --json has neither, and
    imports no rich."""
    from contextlib import nullcontext

    if o["as_json"]:
        return nullcontext(), None
    from .render.training import progress_bar

    console, bar_console = make_console(), make_console(stderr=True)
    return progress_bar(bar_console, o["epochs"], console.is_terminal and bar_console.is_terminal), console


def keep_for_page(o: dict):
    """`train --explore` without --trace: as many steps in memory as its page will hold."""
    if not o["explore_path"] or o["trace_path"]:
        return None
    from .views.explore import keep_for_training

    return keep_for_training


def stopped_at_once(error, save_path: str | None, trace_path: str | None) -> None:
    """A second signal: no report, but --save gets the weights reached (the trace is already
    whole), then one line and 128 + the signal."""
    from .train import signals

    saved = ""
    if save_path and error.network is not None:
        from .core.network import save_network

        with signals.signals_deferred():   # a third signal waits until the file is whole
            save_network(error.network, save_path)
        saved = f"; weights saved to {save_path}"
    elif save_path:
        saved = f"; {save_path} not written: the weights were no longer finite"
    traced = f"; {error.traced} iteration(s) in {trace_path}" if trace_path else ""
    name = signal.Signals(error.signum).name
    fail(f"nntrace: stopped at once by a second signal ({name}){saved}{traced}", 128 + error.signum)


def exit_status(result, epochs: int, stop, save_path: str | None, trace_path: str | None) -> int:
    """0, or after one line on stderr: 1 for a value no longer finite, 128 + the signal that stopped it."""
    saved = f"; weights saved to {save_path}" if save_path else ""
    traced = f"; {result.traced} iteration(s) in {trace_path}" if trace_path else ""
    if result.stopped == "interrupted":
        signum = stop.signum or signal.SIGINT
        by = "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"
        click.echo(f"nntrace: interrupted{by} at the end of iteration {result.iterations} "
                   f"(epoch {result.epochs_run} of {epochs} complete){saved}{traced}", err=True)
        return 128 + signum
    if result.stopped == "non-finite":
        click.echo(f"nntrace: {result.problem}; kept the last finite weights{saved}", err=True)
        return 1
    return 0


def write_training_files(result, digits: int, export_path: str | None, plot_path: str | None) -> None:
    """`train --export` and `--plot`: what the run reached, however it ended."""
    if export_path:
        from .render.export import export
        from .views.document import train_document

        export(train_document(result, digits), export_path)
    if plot_path:
        from .render.plot import plot_curve
    if plot_path and not plot_curve(result.curve, plot_path):
        click.echo(f"nntrace: --plot: no finite loss to draw; {plot_path} not written", err=True)


# A bigger network is no longer one to check number by number, and would take minutes and
# gigabytes to draw (100000-100000-1 is 10^10 weights).
MAX_INIT_WEIGHTS = 1_000_000


def parse_layers(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    sizes = [size.lstrip("0") for size in value.split("-")]
    if len(sizes) < 2 or not all(size.isascii() and size.isdigit() for size in sizes):
        raise click.BadParameter(f"{value!r}: expected layer sizes of at least 1 joined by '-', "
                                 f"input first, like 2-4-1", ctx, param)
    # Past 7 digits one layer alone is too many weights (and Python refuses int() of 4300).
    layers = [int(size) if len(size) <= 7 else MAX_INIT_WEIGHTS + 1 for size in sizes]
    weights = sum(a * b for a, b in zip(layers, layers[1:]))
    if weights > MAX_INIT_WEIGHTS:
        count = f" ({weights:,})" if max(layers) <= MAX_INIT_WEIGHTS else ""
        raise click.BadParameter(f"{value!r}: more than {MAX_INIT_WEIGHTS:,} weights{count}; "
                                 f"init draws at most {MAX_INIT_WEIGHTS:,}", ctx, param)
    return layers


@cli.command()
@click.argument("layers", callback=parse_layers)
@click.option("--seed", type=int, help="Seed of the random weights, to draw the same network again.")
@click.option("--activation", "activations", default=DEFAULT_ACTIVATION, show_default=True,
              metavar="NAME[,NAME...]",
              help="Activation of every layer, or one per layer after the input joined by commas "
                   "(sigmoid,softmax): " + ", ".join(ACTIVATIONS) + ".")
@click.option("--biases", is_flag=True, help="Give every neuron a bias (the article's network has none).")
def init(layers: list[int], seed: int | None, activations: str, biases: bool) -> None:
    """Print a fresh network file, weights drawn uniformly from [0, 1] like the article's.

    \b
    Examples:
      nntrace init 2-4-1 --seed 7 > net.json
      nntrace train --weights net.json --lr 0.5
      nntrace init 3-5-2 --activation tanh --biases > tanh.json
      nntrace init 4-8-3 --activation sigmoid,softmax --biases > classifier.json
      nntrace init 2-3-1 | nntrace show --weights -
    """
    from .core.network import dumps_network, placement, random_network

    names = activations.split(",")
    names = names * (len(layers) - 1) if len(names) == 1 else names
    problem = "" if len(names) == len(layers) - 1 else (
        f"{len(names)} names for {len(layers) - 1} layers after the input")
    for l, name in enumerate(names, 1):
        if not problem and name not in ACTIVATIONS:
            problem = f"unknown {name!r} (choose from {', '.join(ACTIVATIONS)})"
        problem = problem or placement(name, l, layers)
    if problem:
        raise click.BadParameter(problem, param_hint="'--activation'")
    click.echo(dumps_network(random_network(layers, names, seed, biases)), nl=False)


def main() -> None:
    # The vectorised evaluator multiplies a sample's vector by a layer's matrix at a time:
    # products that small gain nothing from BLAS's threads, and on a busy machine lose time
    # waiting for them (train 256-128-10: 0.77 s single-threaded against 0.85 s). Set before
    # NumPy is imported; an OPENBLAS_NUM_THREADS of the user's own is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
