"""Text arguments checked before they reach SQL: a user error that names the argument, never the value.

PostgreSQL text holds no NUL and UTF-8 no lone surrogate; a name or a search longer than any agency's
is no search but a way to make every comparison slow. Such a value is refused in one line, without
echoing it back (it may be a megabyte long).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING
from typing import Any, TypeVar

from strawberry.types.arguments import InputContext, _is_leaf_type, _is_optional_leaf_type
from strawberry.types.base import StrawberryObjectDefinition

from api.errors import UserError

MAX_TEXT_CHARS = 200  # longer than any agency or region name
MAX_SEARCH_CHARS = 100  # a part of a name to look for
YEAR_RANGE = (0, 9999)  # a year filter outside it is no year (and past what the year column holds)
T = TypeVar("T")


def text_argument(name: str, value: str | None, max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """``value`` unchanged, or a :class:`UserError` saying what is wrong with argument ``name``."""
    if value is None:
        return None
    if len(value) > max_chars:
        raise UserError(f"{name} is {len(value):,} characters long; at most {max_chars:,} are taken")
    if "\0" in value:
        raise UserError(f"{name} holds a NUL character, which no text here can")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise UserError(f"{name} holds a lone surrogate (not valid Unicode text)")
    return value


def int_argument(name: str, value: int | None, low: int, high: int) -> int | None:
    """``value`` unchanged, or a :class:`UserError` when it lies outside ``low``–``high``."""
    if value is not None and not low <= value <= high:
        raise UserError(f"{name} must be between {low} and {high}, got {value}")
    return value


# (GraphQL name, Python name, the field's type when it needs converting, else None), and the fields that
# default to None, per input class; worked out on the first request, when the schema's names are known.
_Plan = tuple[tuple[tuple[str, str, Any], ...], dict[str, None]]


def leaf_input(cls: type[T]) -> type[T]:
    """A Strawberry input built from its GraphQL value in one loop when its fields are scalars and enums.

    Strawberry converts an input field by field, resolving each field's type and name on every request
    (a tenth of a small request's time for the 13 fields of ``ReportFilter``). A scalar or enum needs no
    converting — graphql-core has coerced it — so those fields are copied as they are; any other field is
    converted as Strawberry would (``InputContext.convert``). Set through the ``from_input`` hook of
    Strawberry's type definition, which it calls instead of its own conversion.
    """
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    # id(schema config) → (that config, the plan): holding the config keeps its id from being reused.
    plans: dict[int, tuple[Any, _Plan]] = {}

    def from_input(type_: type, value: Mapping[str, Any], context: InputContext) -> Any:
        found = plans.get(id(context.config))
        if found is None or found[0] is not context.config:
            found = plans[id(context.config)] = (context.config, _plan(definition, context))
        fields, unset = found[1]
        kwargs: dict[str, Any] = dict(unset)
        for graphql_name, python_name, field_type in fields:
            if graphql_name in value:
                item = value[graphql_name]
                kwargs[python_name] = item if field_type is None else context.convert(item, field_type, graphql_name)
        return type_(**kwargs)

    definition.from_input = from_input
    return cls


def _plan(definition: StrawberryObjectDefinition, context: InputContext) -> _Plan:
    fields = []
    for field in definition.fields:
        field_type = field.resolve_type(type_definition=definition)
        leaf = _is_leaf_type(field_type, context.scalar_registry) or _is_optional_leaf_type(
            field_type, context.scalar_registry)
        fields.append((context.config.name_converter.from_field(field), field.python_name,
                       None if leaf else field_type))
    # As Strawberry builds an input: a field without a default is None unless the value holds it.
    unset = {f.python_name: None for f in definition.fields
             if f.default_value is MISSING and f.default_factory is MISSING}
    return tuple(fields), unset
