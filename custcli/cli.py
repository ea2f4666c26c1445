"""The `cust` command: the root Typer app, global options, and how failures are reported."""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import sqlite3
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from custcli import cycles, i18n, notices, text
from custcli.errors import Ambiguous, CustError, DiskFull
from custcli.i18n import _, _noop, tr
from custcli.session import Session

# The command tree: name → (module under custcli.commands, attribute). A function becomes a
# command, a Typer app a group. Only the module of the command being run is imported, so
# `cust show` does not pay for import, reports or the drill (the whole tree loads for --help).
COMMANDS = {
    "add": ("cards", "add"),
    "edit": ("cards", "edit"),
    "show": ("show", "show"),
    "list": ("cards", "list_"),
    "find": ("cards", "find"),
    "rm": ("cards", "rm"),
    "history": ("cards", "history"),
    "import": ("imports", "import_file"),
    "imports": ("imports", "app"),
    "merge": ("imports", "merge"),
    "visit": ("day", "visit_app"),
    "due": ("day", "due"),
    "today": ("day", "today"),
    "followup": ("day", "followup_app"),
    "complaint": ("day", "complaint_app"),
    "date": ("day", "date_app"),
    "note": ("day", "note"),
    "brief": ("department", "brief"),
    "brand": ("department", "brand_app"),
    "plan": ("department", "plan_app"),
    "policy": ("department", "policy_app"),
    "drill": ("drill", "drill"),
    "export": ("reports", "export"),
    "pyramid": ("insights", "pyramid"),
    "churn": ("insights", "churn"),
    "loyal": ("insights", "loyal"),
    "managers": ("insights", "managers"),
    "gaps": ("insights", "gaps"),
    "anomalies": ("insights", "anomalies"),
    "tiers": ("insights", "tiers"),
    "report": ("reports", "report_app"),
    "db": ("db", "app"),
    "route": ("field", "route_app"),
    "pack": ("field", "pack"),
    "supply": ("supply", "app"),
}


@functools.cache
def _load(name: str, lang: str) -> Any:
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(f"custcli.commands.{module}"), attribute)
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)  # a group even when it holds one command
    else:
        single = typer.Typer(add_completion=False)  # completion belongs to the root
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    translate_help(command)
    return command


def translate_help(command: Any) -> None:
    """A command's help, its options' and its subcommands', in the language in use: the
    docstrings and help= texts are the English message ids."""
    if command.help:
        command.help = _(inspect.cleandoc(command.help))
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    elif command.help:  # a group's list shows the first paragraph whole, never cut with …
        command.short_help = command.help.split("\n\n", 1)[0].replace("\n", " ")
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)


@functools.cache
def _help_as_people_read_it() -> None:
    """Typer's help in the words cust speaks, once, only when help is shown (it imports
    rich): no English type names (<str>, <bool>, <int range>), a number's bounds as 1–24,
    and an option's help wrapped over lines instead of cut with "…" at 80 columns."""
    from rich.text import Text
    from typer import core, rich_utils

    def bounds(param: Any) -> str | None:
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        return f"{low}–{high}" if low is not None and high is not None and high < 10**9 else None

    for kind in (core.TyperOption, core.TyperArgument):
        kind.display_type_rich = lambda self, ctx=None: None
        kind._get_number_range_help_str = bounds
    parameter_help = rich_utils._get_parameter_help

    class Wrapping(Text):
        """Text that wraps as Chinese is set: between characters, never inside a number, a
        date or a Latin word, never before 、。，）or after （."""

        def wrap(self, console: Any, width: int, **_options: Any) -> Any:
            from rich.cells import cell_len
            from rich.containers import Lines

            plain, offsets, used, start = self.plain, [], 0, 0
            for index, char in enumerate(plain):
                used += cell_len(char)
                if used <= width or index == start:
                    continue
                cut = next((at for at in range(index, start, -1) if _may_break(plain, at)), index)
                offsets.append(cut)
                start = cut
                used = cell_len(plain[cut : index + 1])
            return Lines(line.rstrip() or line for line in self.divide(offsets))

    def wrapping(*, param: Any, ctx: Any, markup_mode: Any) -> Any:
        parts = parameter_help(param=param, ctx=ctx, markup_mode=markup_mode).renderables
        if not all(isinstance(part, Text) for part in parts):
            return rich_utils.Columns(parts)
        text = Wrapping()
        text.append_text(Text(" ").join(parts))
        return text

    rich_utils._get_parameter_help = wrapping
    command_help = rich_utils._make_command_help

    def command_wrapping(*, help_text: str, markup_mode: Any) -> Any:
        made = command_help(help_text=help_text, markup_mode=markup_mode)
        if not isinstance(made, Text):
            return made
        text = Wrapping()
        text.append_text(made)
        return text

    rich_utils._make_command_help = command_wrapping
    help_text = rich_utils._get_help_text

    def help_wrapping(*, obj: Any, markup_mode: Any) -> Any:
        from rich.console import Group

        made = help_text(obj=obj, markup_mode=markup_mode)  # a Group (rich's @group)
        parts = []
        for part in getattr(made, "renderables", [made]):
            if isinstance(part, Text) and not isinstance(part, Wrapping):
                text = Wrapping()
                text.append_text(part)
                part = text
            parts.append(part)
        return Group(*parts)

    rich_utils._get_help_text = help_wrapping


_CLOSERS = "、。，；：！？）》」』”’,.;:!?)%…"
_OPENERS = "（《「『“‘("


def _may_break(text: str, at: int) -> bool:
    """Whether a line may end between text[at - 1] and text[at]."""
    before, after = text[at - 1], text[at]
    if before.isspace():
        return True
    if after in _CLOSERS or before in _OPENERS:
        return False
    latin = lambda c: c.isascii() and not c.isspace()  # noqa: E731
    return not (latin(before) and latin(after))


ROOT_OPTIONS = ("--lang", "--db")  # the root's options that take a value


def _lang_first(args: list[str]) -> list[str]:
    """--lang and --db may be typed anywhere on the line (cust show X --lang en): they are
    the root's options, so they are moved in front of the command."""
    rest, root = [], []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg in ROOT_OPTIONS and index + 1 < len(args):
            root += [arg, args[index + 1]]
            index += 2
            continue
        if arg.startswith(tuple(f"{name}=" for name in ROOT_OPTIONS)):
            root.append(arg)
        else:
            rest.append(arg)
        index += 1
    return [*root, *rest]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version(DISTRIBUTION)
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "0+unknown"
        sys.stdout.write(f"cust {number}\n")
        raise typer.Exit(0)


DISTRIBUTION = "yikouqing"  # the name on the package index (the command is `cust`)


def _prescan_lang(args: list[str]) -> str | None:
    """--lang's value, read before Click parses anything, so usage errors speak it too."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class CustGroup(TyperGroup):
    """Loads commands on demand, and reports every expected failure as one line on stderr
    with exit 1 or 2, no traceback. Set CUST_DEBUG=1 to see the traceback instead.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        return _load(name, i18n.lang()) if name in COMMANDS else None

    def main(
        self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra: Any
    ) -> Any:
        # standalone_mode is click's; whatever a caller asks, failures are reported here.
        argv = sys.argv[1:] if args is None else list(args)
        i18n.use(i18n.choose(_prescan_lang(argv)))
        taken = [text.argument(arg, os.path.exists) for arg in argv]
        if None in taken:
            from custcli import render

            render.error(
                tr(
                    "argument {number} is neither UTF-8 nor GBK text; type it again",
                    number=taken.index(None) + 1,
                )
            )
            sys.exit(2)
        args = _lang_first(taken)
        self.help = _(ROOT_HELP)
        for param in self.params:  # the root's own options, from their English help
            english = param.__dict__.setdefault("english_help", getattr(param, "help", None))
            if english:
                param.help = _(english)
        notices.listen(_tell)
        if not args or "--help" in args or "-h" in args:
            _help_as_people_read_it()
        try:
            with cycles.paused():
                result = super().main(
                    args=args,
                    prog_name="cust",  # whatever runs it (a test runner says "root")
                    complete_var=complete_var,
                    standalone_mode=False,
                    **extra,
                )
        except Ambiguous as exc:
            again = _picked(exc, argv, args)
            if again is not None:  # a shop picked at the terminal: the same command for it
                return self.main(again, prog_name, complete_var, standalone_mode, **extra)
            code = _report(exc, as_json="--json" in argv)
            sys.exit(code)
        except Exception as exc:  # translated into one line, or re-raised just below
            code = _report(exc, as_json="--json" in argv)
            if code is None or os.environ.get("CUST_DEBUG"):
                raise
            sys.exit(code)
        sys.exit(result if isinstance(result, int) else 0)


# What the command-line parser (Typer's own Click, and pydantic behind it) says in English,
# each shape with the message id that says it in the language in use. Read in order; a
# message inside another ("Invalid value for …: <message>") is said the same way.
USAGE_MESSAGES = (
    (r"Missing argument '(?P<name>[^']+)'\.", _noop("Missing argument '{name}'.")),
    (r"Missing option '(?P<name>[^']+)'\.", _noop("Missing option '{name}'.")),
    (r"Missing parameter: (?P<name>.+)", _noop("Missing parameter: {name}")),
    (r"No such command '(?P<name>[^']+)'\.", _noop("No such command '{name}'.")),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>[^)]+)\)",
        _noop("No such option: {name} (possible options: {options})"),
    ),
    (r"No such option: (?P<name>\S+)", _noop("No such option: {name}")),
    (
        r"Got unexpected extra arguments? ?\(s?\)? ?\((?P<args>.*)\)",
        _noop("Got unexpected extra arguments ({args})"),
    ),
    (
        r"Option '(?P<name>[^']+)' requires an argument\.",
        _noop("Option '{name}' requires a value."),
    ),
    (
        r"Option '(?P<name>[^']+)' requires (?P<n>\d+) arguments\.",
        _noop("Option '{name}' requires {n} values."),
    ),
    (
        r"Option '(?P<name>[^']+)' does not take a value\.",
        _noop("Option '{name}' does not take a value."),
    ),
    (
        r"Invalid value for (?P<name>[^:]+): (?P<message>.+)",
        _noop("Invalid value for {name}: {message}"),
    ),
    (r"Invalid value: (?P<message>.+)", _noop("Invalid value: {message}")),
    (r"Input should be less than or equal to (?P<n>\S+)", _noop("it should be at most {n}")),
    (r"Input should be greater than or equal to (?P<n>\S+)", _noop("it should be at least {n}")),
    (r"Input should be a valid integer.*", _noop("it should be a whole number")),
    (r"Input should be a valid number.*", _noop("it should be a number")),
    (r"Input should be a valid date.*", _noop("it should be a date")),
    (r"Input should be a valid boolean.*", _noop("it should be yes or no")),
    (
        r"'(?P<value>[^']*)' is not one of (?P<choices>.+)\.",
        _noop("'{value}' is not one of {choices}."),
    ),
    (
        r"(?P<value>\S+) is not in the range (?P<range>.+)\.",
        _noop("{value} is not in the range {range}."),
    ),
)


def _tell(template: str, params: dict) -> None:
    """What the store tells while it works: one line on stderr, in the language in use."""
    from custcli import render
    from custcli.errors import say

    render.error(say(template, params))


def usage_said(message: str) -> str:
    """A parser's English message in the language in use (as it is, if its shape is new)."""
    import re

    for pattern, template in USAGE_MESSAGES:
        match = re.fullmatch(pattern, message.strip())
        if match:
            values = {
                k: usage_said(v) if k == "message" else v for k, v in match.groupdict().items()
            }
            return tr(template, **values)
    return message


def _picked(exc: Ambiguous, argv: list[str], args: list[str]) -> list[str] | None:
    """At a terminal, the namesakes numbered and one picked by its number: the command line
    again with `#id` in place of what was typed (None off a terminal, under --json, or when
    the user picks none)."""
    if "--json" in argv or not (sys.stdin.isatty() and sys.stdout.isatty()) or not exc.ref:
        return None
    from custcli.kinds.normalize import halfwidth
    from custcli.present import lists

    at = [i for i, arg in enumerate(args) if halfwidth(str(arg)).strip() == exc.ref]
    if not at:
        return None
    chosen = lists.pick(exc.matches)
    if chosen is None:
        return None
    return [*args[: at[0]], f"#{chosen['id']}", *args[at[0] + 1 :]]


def _report(exc: BaseException, as_json: bool = False) -> int | None:
    """Print the one line for an expected failure and return its exit code; None for a bug.

    A reference that matched several customers lists them first: as JSON on stdout under
    --json, else as a table on stderr, so that stdout never holds what was not asked for.
    """
    from custcli import render

    if isinstance(exc, Ambiguous):
        if as_json:
            render.emit_json({"error": "ambiguous", "candidates": exc.matches})
        else:
            render.table(exc.matches, CANDIDATE_COLUMNS, stream=sys.stderr)
    if isinstance(exc, CustError):
        render.error(exc.said())
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        render.error(_("aborted"))
        return 1
    if isinstance(exc, typer.TyperException):  # click's usage errors and bad parameters
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            _help_as_people_read_it()
            sys.stdout.write(ctx.get_help() + "\n")
            return 0
        hint = tr(" (see `{command} --help`)", command=ctx.command_path) if ctx is not None else ""
        render.error(usage_said(exc.format_message().replace("\n", " ")) + hint)
        return getattr(exc, "exit_code", 2)
    if _disk_full(exc):
        render.error(DiskFull(getattr(exc, "filename", None) or _("the database")).said())
        return 2
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        render.error(_("the database is busy in another cust; try again in a moment"))
        return 2
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        from custcli.db.files import DAMAGED

        render.error(_(DAMAGED))  # a damaged file, met half-way through a command
        return 2
    if type(exc).__module__.startswith("psycopg"):
        return _report_postgres(exc)
    if isinstance(exc, OverflowError):
        render.error(_("a number given is too large"))
        return 2
    if isinstance(exc, OSError) and exc.filename:
        render.error(f"{exc.filename}: {_(exc.strerror or str(exc))}")
        return 2
    return None


def _disk_full(exc: BaseException) -> bool:
    """Whether a failure is a full disk: the system's ENOSPC (or a full quota), SQLite's
    SQLITE_FULL, PostgreSQL's disk_full."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if getattr(exc, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
        return True
    return getattr(exc, "sqlstate", None) == "53100"


def _report_postgres(exc: BaseException) -> int | None:
    """What PostgreSQL refused, in one line: its SQLSTATE class says which kind of refusal."""
    from custcli import render

    state = getattr(exc, "sqlstate", None) or ""
    if state == "42501":  # insufficient privilege, a row-level security check included
        render.error(
            _(
                "your PostgreSQL login may not do this: it sees and changes only the shops"
                " granted to it (`cust db grants`)"
            )
        )
        return 2
    if state == "23505":  # unique: a code or key another login's shop holds, unseen
        render.error(
            _(
                "that code (or record) is taken already, perhaps by a shop your login does not"
                " see; nothing was changed"
            )
        )
        return 2
    if state == "23514":  # a shape the department's tables hold their values to
        render.error(_("a value is not in the shape cust writes it; nothing was changed"))
        return 2
    if state.startswith("08") or type(exc).__name__ == "OperationalError":
        render.error(_("the PostgreSQL server could not be reached; try again in a moment"))
        return 2
    if state in ("40001", "40P01", "55P03"):  # serialization failure, deadlock, lock timeout
        render.error(_("the database is busy with another writer; try again in a moment"))
        return 2
    return None


ROOT_HELP = (
    "A customer file for field account managers: cards, visits, orders, complaints and the"
    " one-breath summary before a visit."
)

CANDIDATE_COLUMNS = [
    ("code", _noop("code")),
    ("name", _noop("name")),
    ("owner", _noop("owner")),
    ("phone", _noop("phone")),
    ("address", _noop("address")),
]

# The commands that may start a database where there is none: they put something in it.
# Every other one reads, or changes what is there, and says there is no database instead.
STARTERS = frozenset({"add", "import", "merge", "brand", "plan", "policy"})

app = typer.Typer(
    cls=CustGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=ROOT_HELP,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CUST_DB",
            help="The database file, or a postgresql:// URL (default: cust.db in your data"
            " folder).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Labels in zh or en (default: $CUST_LANG, then your locale)."),
    ] = None,
    _show_version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_version, help="Say which cust this is and stop."
        ),
    ] = False,
) -> None:
    if lang not in (None, "zh", "en"):
        raise typer.BadParameter(_("--lang is zh or en"))
    session = Session(db_path=db, lang=i18n.lang(), creates=ctx.invoked_subcommand in STARTERS)
    ctx.obj = session
    ctx.call_on_close(session.close)


def main() -> None:
    app()
