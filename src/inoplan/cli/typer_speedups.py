"""Option coercion without pydantic, so a command starts as fast as ``import typer``.

Typer 0.29 coerces every option value through a pydantic ``TypeAdapter``. The
first one built imports pydantic and pydantic-core, which costs more than Typer
itself (some 80 ms here): ``inoplan schedule --format json`` took three times
as long as ``python -c "import typer"``.

inoplan's options are plain text (parsed by :mod:`inoplan.domain.units`
and :mod:`inoplan.inputs.plan_request`), on/off flags or choices from an ``Enum``. For
those, :func:`cheap_runtime_param` gives a coercion that does exactly what
Typer's adapter does (the same result, the same error message: see
``tests/test_startup.py``) without pydantic, and :func:`install` adds
inoplan's own rule for text (:func:`checked_text`: an empty value is refused).
Any other type keeps Typer's own coercion, so a new option of another type
stays correct, only slower.

This reaches into Typer internals (``typer._coercion``), which is why
pyproject pins Typer to one minor version. If they change, :func:`install`
does nothing and the tests that assert the fast path say so.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, get_args, get_origin

try:
    from typer._click import Context
    from typer._click.exceptions import BadParameter
    from typer._click.utils import _escape_control_characters
    from typer._coercion import RuntimeParam, TypeDescriptor
    from typer._param_types import coerce_cli_choice
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - a Typer whose internals moved
    AVAILABLE = False
else:
    AVAILABLE = True

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
                from typer._click import _compat

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
            from typer._coercion import build_runtime_param

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


def install(command: Any, parent: Any = None, recurse: bool = True) -> int:
    """Give every text, flag and choice parameter of ``command`` the fast path.

    Its ``--help`` option too, and (with ``recurse``) its subcommands'.
    ``parent`` is the context of the group that invokes ``command``, if any.
    Returns how many parameters got it (0 when Typer's internals are not the
    expected ones).
    """
    if not AVAILABLE:  # pragma: no cover
        return 0
    # The help option is made on first use from the context's help names;
    # make it now, from a context set up the way Click will set it up.
    settings = getattr(command, "context_settings", None) or {}
    ctx = Context(command, parent=parent, help_option_names=settings.get("help_option_names"))
    params = list(getattr(command, "params", ()))
    help_option = command.get_help_option(ctx) if hasattr(command, "get_help_option") else None
    if help_option is not None:
        params.append(help_option)
    count = 0
    for param in params:
        if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", 1) is None:
            cheap = cheap_runtime_param(param.type_descriptor)
            if cheap is not None:
                param._runtime_param = checked(cheap)
                count += 1
    if recurse:
        for sub in getattr(command, "commands", {}).values():
            count += install(sub, ctx)
    return count
