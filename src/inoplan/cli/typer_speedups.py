"""Every private Typer name inoplan uses, checked up front, with stock Typer behind it.

inoplan keeps Typer (the project's framework) but starts faster than stock
Typer and answers a Tab press without Rich. That takes names Typer does not
promise to keep, and this is the only module that touches them. What they buy:

- **Option coercion without pydantic** (:func:`install`). Typer 0.29 coerces
  every option value through a pydantic ``TypeAdapter``; the first one built
  imports pydantic and pydantic-core, which costs more than Typer itself
  (some 80 ms here). inoplan's options are plain text (parsed by
  :mod:`inoplan.domain.units` and :mod:`inoplan.inputs.plan_request`), on/off
  flags or choices from an ``Enum``. For those, :func:`cheap_runtime_param`
  gives a coercion that does exactly what Typer's adapter does (the same
  result, the same error message: see ``tests/test_startup.py``) without
  pydantic, and :func:`install` adds inoplan's own rule for text
  (:func:`checked_text`: an empty value is refused). Any other type keeps
  Typer's own coercion, so a new option of another type stays correct, only
  slower.
- **Building only the command that runs**
  (:func:`only_the_command_asked_for`), by editing the app's
  ``registered_commands``.
- **A quick Tab press** (:func:`prepare_completion`): completion classes that
  print help texts without Rich, and no value checks while completing.
- **The no-arguments help** (:data:`NoArgsIsHelpError`), told apart from other
  usage errors.

When this module is imported it checks that every name it uses is there and
that every function and method it calls or overrides has the parameters it
passes. If anything is missing or different (a newer Typer),
:data:`AVAILABLE` is false and each function here leaves Typer as it is:
inoplan then runs on stock Typer, slower, and says nothing. Each function also
catches any failure while it runs and leaves Typer as it was, so a change the
checks missed costs speed, never a traceback. pyproject pins Typer to one
minor version; the tests that assert the fast path say when it is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, get_args, get_origin


class _NeverRaised(Exception):
    """Stands in for an exception class this Typer does not have."""


def _expect(func: Any, *names: str) -> None:
    """Raise unless ``func`` (or a class's ``__init__``) has parameters called ``names``.

    Read from the code object, which costs next to nothing at each start
    (``inspect.signature`` would cost half a millisecond for these checks).
    """
    target = vars(func)["__init__"] if isinstance(func, type) else func
    code = target.__code__
    count = code.co_argcount + code.co_kwonlyargcount
    missing = [n for n in names if n not in code.co_varnames[:count]]
    if missing:
        raise TypeError(f"{getattr(func, '__qualname__', func)}: no parameter {missing}")


try:
    from typer._click.exceptions import NoArgsIsHelpError as NoArgsIsHelpError
except Exception:  # pragma: no cover - a Typer whose internals moved
    NoArgsIsHelpError = _NeverRaised  # type: ignore[assignment,misc]

try:
    import dataclasses

    import typer.main
    from typer._click import Context, _compat
    from typer._click.exceptions import BadParameter
    from typer._click.shell_completion import CompletionItem, add_completion_class
    from typer._click.utils import _escape_control_characters
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._completion_classes import (
        BashComplete,
        FishComplete,
        PowerShellComplete,
        ZshComplete,
    )
    from typer._param_types import coerce_cli_choice
    from typer.core import _TyperParameter

    _expect(coerce_cli_choice, "value", "choices", "case_sensitive", "ctx")
    _expect(build_runtime_param, "descriptor")
    _expect(RuntimeParam.coerce, "self", "value", "param", "ctx")
    _expect(RuntimeParam._coerce_value, "self", "value", "param", "ctx")
    _expect(_TyperParameter.get_runtime_param, "self")
    _expect(_TyperParameter.process_value, "self", "ctx", "value")
    _expect(Context, "command", "parent", "help_option_names")
    _expect(BadParameter, "message", "ctx", "param")
    _expect(_compat._get_argv_encoding)
    _expect(_escape_control_characters, "value")
    _expect(add_completion_class, "cls", "name")
    _expect(CompletionItem, "value", "help")
    for _shell in (ZshComplete, FishComplete, PowerShellComplete):
        _expect(_shell.format_completion, "self", "item")
    _expect(typer.main.get_command_name, "name")
    if [f.name for f in dataclasses.fields(RuntimeParam)] != ["parameter_info", "annotation"]:
        raise TypeError("RuntimeParam: other fields")
    if not {"annotation", "parameter_info", "file_annotation"} <= {
        f.name for f in dataclasses.fields(TypeDescriptor)
    }:
        raise TypeError("TypeDescriptor: other fields")
    if "_runtime_param" not in getattr(_TyperParameter, "__annotations__", {}):
        raise TypeError("_TyperParameter: no _runtime_param")

    def checked_text(text: str, param: Any, ctx: Any) -> str:
        """``text``, unless it is empty or longer than any value inoplan reads.

        An empty value (``--bsa "$BSA"`` with ``BSA`` unset) is refused rather
        than taken as if the option were absent, for every option and argument,
        with inoplan's own one-line message naming it.
        """
        from inoplan.domain.errors import InputError
        from inoplan.domain.limits import MAX_VALUE_CHARS

        if text.strip() and len(text) <= MAX_VALUE_CHARS:
            return text
        longs = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
        is_argument = getattr(param, "param_type_name", "") == "argument"
        name = longs[0] if longs and not is_argument else (param.metavar or param.name or "")
        if text.strip():
            raise InputError(name, f"{len(text)} characters; at most {MAX_VALUE_CHARS}")
        if is_argument or getattr(param, "required", False):
            raise InputError(name, "empty; give a value")
        raise InputError(name, "empty; give a value, or leave the option out")

    # Subclasses add no fields, so they use RuntimeParam's dataclass methods as
    # they are (decorating them again would cost start-up time for nothing).
    class TextParam(RuntimeParam):
        """``str`` options: the value as text (bytes decoded as Typer does)."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, bytes):
                try:
                    return value.decode(_compat._get_argv_encoding())
                except UnicodeError:
                    return value.decode("utf-8", "replace")
            return str(value)

    class TextListParam(RuntimeParam):
        """``list[str]`` options given several times: each value as text, in order."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, (list, tuple)) and all(isinstance(i, str) for i in value):
                return [str(item) for item in value]
            # Anything else never comes from a command line; let Typer decide.
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)

    class ChoiceParam(RuntimeParam):
        """``Enum`` options: the member whose value matches (Typer's own matching)."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            enum_type: type[Enum] = self.annotation
            try:
                return coerce_cli_choice(
                    value,
                    choices=tuple(enum_type),
                    case_sensitive=self.parameter_info.case_sensitive,
                    ctx=ctx,
                )
            except ValueError as e:
                raise BadParameter(
                    _escape_control_characters(str(e)), ctx=ctx, param=param
                ) from None

    _TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
    _FALSE = frozenset({"0", "off", "f", "false", "n", "no"})

    class FlagParam(RuntimeParam):
        """``bool`` options: flags, and the words pydantic's lax booleans accept."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, bool):
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            if isinstance(value, str):
                word = value.strip().lower()
                if word == "" or word in _FALSE:
                    return False
                if word in _TRUE:
                    return True
            if isinstance(value, bytes):  # as pydantic reads them: not stripped
                word = value.decode("utf-8", "replace").lower()
                if word in _FALSE:
                    return False
                if word in _TRUE:
                    return True
            raise BadParameter(
                "Input should be a valid boolean, unable to interpret input", ctx=ctx, param=param
            )

    class CheckedTextParam(TextParam):
        """``str`` options as inoplan reads them: not empty, not endless."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return checked_text(super()._coerce_value(value, param, ctx), param, ctx)

    class CheckedTextListParam(TextListParam):
        """``list[str]`` options as inoplan reads them: no value empty or endless."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            items = super()._coerce_value(value, param, ctx)
            return [checked_text(item, param, ctx) for item in items]

    def checked(runtime: RuntimeParam) -> RuntimeParam:
        """``runtime`` with inoplan's own checks of text values added (see :func:`checked_text`).

        Kept apart from :func:`cheap_runtime_param`, which does exactly what
        Typer does and nothing more.
        """
        kinds: dict[type, type[RuntimeParam]] = {
            TextParam: CheckedTextParam,
            TextListParam: CheckedTextListParam,
        }
        kind = kinds.get(type(runtime))
        if kind is None:
            return runtime
        return kind(parameter_info=runtime.parameter_info, annotation=runtime.annotation)

    def cheap_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam | None:
        """A pydantic-free coercion for ``descriptor``, or ``None`` to keep Typer's."""
        info = descriptor.parameter_info
        if descriptor.file_annotation is not None or info.parser is not None:
            return None
        annotation = descriptor.annotation
        if annotation is bool:
            return FlagParam(parameter_info=info, annotation=annotation)
        if annotation is str:
            return TextParam(parameter_info=info, annotation=annotation)
        origin: object = get_origin(annotation)
        if origin is list and get_args(annotation) == (str,):
            return TextListParam(parameter_info=info, annotation=annotation)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return ChoiceParam(parameter_info=info, annotation=annotation)
        return None

    # --- completion classes that never import Rich ------------------------------------
    # Typer's zsh, fish and PowerShell classes pass every help text through Rich, which
    # costs a Rich import on each Tab press. inoplan's help texts carry no Rich markup,
    # so these subclasses print them as they are. Bash shows no help texts.

    def _plain_help(item: CompletionItem) -> str | None:
        return " ".join(item.help.split()) if item.help else None

    class PlainZshComplete(ZshComplete):
        def format_completion(self, item: CompletionItem) -> str:
            value = super().format_completion(CompletionItem(item.value))
            help_text = _plain_help(item)
            if help_text is None:
                return value
            # The parent's formatting of a help-less item is the quoted, escaped
            # value; format the help the same way.
            return f"{value}:{super().format_completion(CompletionItem(help_text))}"

    class PlainFishComplete(FishComplete):
        def format_completion(self, item: CompletionItem) -> str:
            help_text = _plain_help(item)
            return f"{item.value}\t{help_text}" if help_text else str(item.value)

    class PlainPowerShellComplete(PowerShellComplete):
        def format_completion(self, item: CompletionItem) -> str:
            return f"{item.value}:::{_plain_help(item) or ' '}"

except Exception:  # pragma: no cover - a Typer whose internals moved (see the tests)
    AVAILABLE = False
else:
    AVAILABLE = True


def install(command: Any, parent: Any = None, recurse: bool = True) -> int:
    """Give every text, flag and choice parameter of ``command`` the fast path.

    Its ``--help`` option too, and (with ``recurse``) its subcommands'.
    ``parent`` is the context of the group that invokes ``command``, if any.
    Returns how many parameters got it: 0 when Typer's internals are not the
    expected ones, or when anything fails (every parameter then keeps Typer's
    own coercion).
    """
    if not AVAILABLE:
        return 0
    done: list[Any] = []
    try:
        _install(command, parent, recurse, done)
    except Exception:
        for param in done:  # back to Typer's own, all of them
            param._runtime_param = None
        return 0
    return len(done)


def _install(command: Any, parent: Any, recurse: bool, done: list[Any]) -> None:
    # The help option is made on first use from the context's help names;
    # make it now, from a context set up the way Click will set it up.
    settings = getattr(command, "context_settings", None) or {}
    ctx = Context(command, parent=parent, help_option_names=settings.get("help_option_names"))
    params = list(getattr(command, "params", ()))
    help_option = command.get_help_option(ctx) if hasattr(command, "get_help_option") else None
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", 1) is None:
            cheap = cheap_runtime_param(param.type_descriptor)
            if cheap is not None:
                param._runtime_param = checked(cheap)
                done.append(param)
    if recurse:
        for sub in getattr(command, "commands", {}).values():
            _install(sub, ctx, recurse, done)


# --- the help's layout -----------------------------------------------------------------


def tidy_help(command: Any) -> None:
    """Lay out ``command``'s help as inoplan's help reads, whatever Typer's defaults.

    - An on/off switch shows no value (Typer shows ``--hsct <bool>``, which
      suggests ``--hsct true``).
    - An argument reads ``PLAN`` when required and ``[PLAN]`` when not, in
      the usage line and the arguments panel (Typer writes ``{PLAN}``), with
      no ``<str>`` beside it.

    Leaves Typer's layout as it is if its internals are not the expected ones.
    """
    try:
        params = [*getattr(command, "params", ()), getattr(command, "_help_option", None)]
        for param in params:
            kind = getattr(param, "param_type_name", None)
            if kind == "option" and getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            elif kind == "argument" and hasattr(param, "_usage_display_name"):
                name = param.metavar or (param.name or "").upper()
                shown = name if param.required else f"[{name}]"
                if param.nargs != 1:
                    shown += "..."
                param._usage_display_name = lambda shown=shown: shown
                param.display_type_rich = lambda ctx: None
    except Exception:  # pragma: no cover - a Typer whose internals moved
        return


# --- building only the command that runs ----------------------------------------------


def _completed_words() -> list[str]:
    """The words of a completion request already typed in full, after ``inoplan``.

    bash sends ``COMP_WORDS`` and ``COMP_CWORD`` (the word being completed);
    zsh, fish and PowerShell send ``_TYPER_COMPLETE_ARGS`` (the line so far).
    """
    import os

    words = os.environ.get("COMP_WORDS")
    if words is not None:
        try:
            cword = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            return []
        return words.split()[1:cword]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    parts = line.split()
    if parts and not line[-1:].isspace():
        parts = parts[:-1]  # the last word is still being typed
    return parts[1:]


def command_word(argv: Sequence[str]) -> str | None:
    """The word in the place of a command's name: the first of ``argv``, or of a Tab press.

    ``None`` when there is none (no words, an option first, or a Tab press
    still typing the command's name). Uses no Typer internal.
    """
    import os

    if os.environ.get("_INOPLAN_COMPLETE"):
        argv = _completed_words()
    if not argv or argv[0].startswith("-"):
        return None
    return argv[0]


def _nothing_to_restore() -> None:
    pass


def only_the_command_asked_for(app: Any, argv: Sequence[str]) -> Callable[[], None]:
    """Let Typer build only the command on the command line; return what puts them back.

    Typer turns every registered command into a Click command at each start
    (about 0.6 ms for one with as many options as ``schedule``), though a run
    uses one. When the first word is a command's name, the others are
    dropped from ``app`` until the returned function is called; help, typing
    errors and command groups keep them all. A Tab press does the same once
    the command's name is typed in full; while it is still being typed, every
    command is offered. On any failure every command stays.
    """
    if not AVAILABLE:
        return _nothing_to_restore
    try:
        every = list(app.registered_commands)
        word = command_word(argv)
        if word is None:
            return _nothing_to_restore
        wanted = [
            info
            for info in every
            if (info.name or typer.main.get_command_name(getattr(info.callback, "__name__", "")))
            == word
        ]
        if not wanted:
            return _nothing_to_restore
        app.registered_commands[:] = wanted
    except Exception:
        return _nothing_to_restore

    def restore() -> None:
        app.registered_commands[:] = every  # for callers that run the app again

    return restore


# --- a quick Tab press -------------------------------------------------------------------


def prepare_completion() -> None:
    """Make this process a quick completion answerer; call only for a Tab press.

    Registers the Rich-free shell classes (after Typer registered its own), and
    stops option values being checked while the command line is parsed for
    completion: Typer checks them with pydantic, which is most of a Tab press's
    time, and a completion needs only which options were given, never their
    checked values. It also keeps eager callbacks such as ``--version`` from
    printing into the list of completions. On any failure Typer answers as it
    would on its own.
    """
    if not AVAILABLE:
        return
    checked_value = _TyperParameter.process_value
    classes: dict[str, Any] = {
        "bash": BashComplete,
        "zsh": PlainZshComplete,
        "fish": PlainFishComplete,
        "powershell": PlainPowerShellComplete,
        "pwsh": PlainPowerShellComplete,
    }
    stock: dict[str, Any] = {
        "bash": BashComplete,
        "zsh": ZshComplete,
        "fish": FishComplete,
        "powershell": PowerShellComplete,
        "pwsh": PowerShellComplete,
    }
    try:
        if not getattr(checked_value, "_inoplan_completion", False):

            def process_value(self: Any, ctx: Any, value: Any) -> Any:
                if ctx.resilient_parsing:  # set by Click only while completing
                    return value
                return checked_value(self, ctx, value)

            process_value._inoplan_completion = True  # type: ignore[attr-defined]
            _TyperParameter.process_value = process_value  # type: ignore[method-assign]
        for name, cls in classes.items():
            add_completion_class(cls, name)
    except Exception:
        _TyperParameter.process_value = checked_value  # type: ignore[method-assign]
        try:
            for name, cls in stock.items():
                add_completion_class(cls, name)
        except Exception:
            pass  # Typer's own registrations, as they were
