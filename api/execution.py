"""A shorter path through graphql-core for plain fields.

A field like ``ApplicationRow.naturalPerson`` has no resolver: its value is an attribute of the object,
serialised by a built-in scalar. graphql-core still builds a path and a resolve info, calls Strawberry's
default resolver, checks for an awaitable and dispatches ``complete_value`` for each one, which is most of
the time of a response with thousands of cells (100 reports × 25 §3 rows × 8 fields, or a summary's
186 groups × 25 rows). This context reads such values directly and serialises them itself.

A field is *plain* when its value is read from the object and needs nothing of the request: an attribute
(no resolver), or a resolver that takes only ``self`` (no arguments, no ``info``), is synchronous and has
no field extension — ``Applications.rows``, ``Consistency.ok`` — or such a resolver that also takes scalar or
enum arguments (``Applications.row(key:)``), their values coerced and converted once per field and execution
as Strawberry converts them. A plain field's type may be a built-in
scalar, an object whose selected fields are all plain (a group's ``province { code name }``), or a list of
such objects (``applications { rows { key total } }``); an object whose selected fields are all plain is
then built in one loop, however deeply it nests. Anything unusual (a null in a non-null field, a value
the scalar refuses, a resolver that raises, arguments of input types, middleware) goes the ordinary way, so errors read
exactly as before. No resolver runs twice: what a ``self``-only resolver returned or raised is kept for the
execution, and an object that goes the ordinary way reuses it (a raised error is reported where it was
raised, as graphql-core reports it).

It reads graphql-core's and Strawberry's internals (``Executor.execute_field`` and its neighbours,
``StrawberryField``'s resolver), so ``pyproject.toml`` pins both to the minor versions it was written
against, and ``tests/api/test_execution.py`` asserts on the real schema which fields take this path.
``XXGK_PLAIN_FIELDS=0`` builds the schema without it. Either way a field whose resolver returned its whole
response already (:class:`api.planner.Planned`, JSON made by the database) is put in as it is. A schema extension with a ``resolve`` hook must see
every field, so it turns the path off for its schema, with a warning in the log.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from functools import cache, partial
from typing import Any, cast

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
    specified_scalar_types,
)
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import _is_leaf_type, _is_optional_leaf_type, convert_arguments
from strawberry.types.field import StrawberryField

from api.planner import Planned
from api.types.scalars import NAME as BIG_INT

log = logging.getLogger("xxgk.api.execution")

Reader = Callable[[Any], Any]  # source → value, or _MISSING when only the ordinary path can say what is wrong
# What a plain field reads: the attribute's name (read inline, the commonest case) or a reader, its type
# without NonNull, and whether it is nullable.
Source = tuple[str | Reader, Any, bool]
# A plan per response key, in order. Kinds: a built-in scalar read from an attribute; a built-in scalar
# computed by a resolver; an object; a list of objects; __typename.
LEAF, COMPUTED, OBJECT, LIST, TYPENAME = range(5)
FieldPlan = tuple[int, Any]
ObjectPlans = list[tuple[str, int, Any]]
# (id(reader), id(source)) → (source, what the resolver returned or raised for it), for one execution.
Resolved = dict[tuple[int, int], tuple[Any, Any]]

# id(GraphQLField) → (that field, what _read_source says of it). Holding the field keeps its id from being
# reused by another schema's field (tests build several schemas).
_SOURCES: dict[int, tuple[GraphQLField, Source | None]] = {}
# Scalars read without the ordinary path: the built-in ones, and the 64-bit integer of §3/§4 cells and sums.
_BUILT_IN = frozenset(specified_scalar_types) | {BIG_INT}
_MISSING = object()
_TYPENAME = "__typename"
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # GraphQL's Int is 32-bit
# Schemas whose resolve-hook extensions have been named in the log once.
_WARNED: set[int] = set()


class Failed:
    """What a ``self``-only resolver raised, kept so that it is reported once and never called again."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


def _source(field: GraphQLField, resolvers: bool) -> Source | None:
    """How a plain field is read, else None; worked out once per field (a field belongs to one schema)."""
    entry = _SOURCES.get(id(field))
    if entry is None or entry[0] is not field:
        entry = _SOURCES[id(field)] = (field, _read_source(field, resolvers))
    return entry[1]


def _read_source(field: GraphQLField, resolvers: bool) -> Source | None:
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field.args:
        return None
    value_type, nullable = _unwrapped(field.type)
    if definition.is_basic_field:
        if not getattr(field.resolve, "_is_default", False):
            return None
        return definition.python_name, value_type, nullable
    resolver = _plain_resolver(definition) if resolvers else None
    if resolver is None or resolver.arguments:
        return None
    return _Calling(cast(Callable[[Any], Any], resolver.wrapped_func)), value_type, nullable


def _plain_resolver(definition: StrawberryField) -> Any:
    """The field's resolver when it is synchronous, has no field extension and asks for ``self`` alone of what
    Strawberry passes (no ``info``, ``root`` or ``parent``); else None."""
    resolver = definition.base_resolver
    if (
        resolver is None
        or definition.extensions
        or resolver.is_async
        or resolver.self_parameter is None
        or {p for p in resolver.reserved_parameters.values() if p is not None} != {resolver.self_parameter}
    ):
        return None
    return resolver


def _argued_source(field: GraphQLField, node: Any, variables: Any, converter: Any) -> Source | None:
    """How a field with arguments is read under ``node``: its resolver called with the arguments' values,
    coerced and converted once per execution as Strawberry would (scalars and enums only), else None."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or definition.is_basic_field or converter is None:
        return None
    resolver = _plain_resolver(definition)
    registry = converter.scalar_registry
    if resolver is None or not all(_is_leaf_type(a.type, registry) or _is_optional_leaf_type(a.type, registry)
                                   for a in definition.arguments):
        return None
    try:
        values = get_argument_values(field, node, variables)
        kwargs = convert_arguments(values, definition.arguments, scalar_registry=registry, config=converter.config)
    except Exception:  # noqa: BLE001 - a value graphql-core refuses: the ordinary path reports it
        return None
    value_type, nullable = _unwrapped(field.type)
    return _Calling(partial(resolver.wrapped_func, **kwargs)), value_type, nullable


def _unwrapped(graphql_type: Any) -> tuple[Any, bool]:
    """The type without its non-null wrapper, and whether a value of it may be null."""
    if isinstance(graphql_type, GraphQLNonNull):
        return graphql_type.of_type, False
    return graphql_type, True


class _Calling:
    """A reader that calls a ``self``-only resolver as Strawberry would; what it raises comes back as :class:`Failed`.

    Every call is remembered for the execution (see :func:`_read`): when an object then goes the ordinary
    way, its fields reuse what their resolvers gave (the same objects) and report what they raised, without
    a second call.
    """

    __slots__ = ("method",)

    def __init__(self, method: Callable[[Any], Any]) -> None:
        self.method = method

    def __call__(self, source: Any) -> Any:
        try:
            value = self.method(source)
        except Exception as exc:  # noqa: BLE001 - reported once, by execute_field, as the ordinary path would
            return Failed(exc)
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()
            return _MISSING
        return value


@cache
def _attribute_reader(name: str) -> Reader:
    """One reader per attribute name: fields executed the ordinary way ask for it once per object."""

    def read(source: Any) -> Any:
        return getattr(source, name, _MISSING)

    return read


class PlannedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, inserting a :class:`Planned` response without completing it."""

    def complete_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any = None,
    ) -> Any:
        if type(result) is Planned:
            return result.value
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)


class ExecutionContext(PlannedExecutionContext):
    """The planned responses, and the plain path of the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry passes a manager even when no extension wraps resolvers; only real middleware matters.
        middlewares = list(self.middleware_manager.middlewares) if self.middleware_manager else []
        self._middlewares = bool(middlewares)
        if middlewares and id(self.schema) not in _WARNED:
            _WARNED.add(id(self.schema))
            names = ", ".join(sorted({type(m).__name__ for m in middlewares}))
            log.warning("plain-field path off: %s must see every field it resolves", names)
        # Resolvers are called directly only when no exception handler could turn their errors into values.
        converter = getattr(getattr(self.schema, "_strawberry_schema", None), "schema_converter", None)
        self._resolvers = getattr(converter, "_exception_handler_specs", None) == ()
        # id(grouped field set) → (that set, its parent type, its plans or None when some field is not
        # plain). Holding the set keeps its id from being reused.
        self._object_plans: dict[int, tuple[Any, GraphQLObjectType, ObjectPlans | None]] = {}
        self._resolved: Resolved = {}
        self._converter = converter if self._resolvers else None
        # (id(node), id(field)) → (node, field, how it is read): a field with arguments is read by one reader
        # per node and execution, so what it gave is remembered as for any other resolver.
        self._argued: dict[tuple[int, int], tuple[Any, GraphQLField, Source | None]] = {}

    def _field_plan(self, field: GraphQLField | None, field_details_list: Any) -> FieldPlan | None:
        """The plan of one plain field under these nodes, or None."""
        node = field_details_list[0].node
        if field is None or self._middlewares:
            return None
        found = self._argued_source(field, node) if field.args else _source(field, self._resolvers)
        if found is None:
            return None
        read, value_type, nullable = found
        if isinstance(value_type, GraphQLScalarType | GraphQLEnumType):
            # An enum serialises as a scalar does: a member (or its value) to the member's name.
            if isinstance(value_type, GraphQLScalarType) and value_type.name not in _BUILT_IN:
                return None
            if isinstance(read, str):
                return LEAF, found
            return COMPUTED, found
        reader = _attribute_reader(read) if isinstance(read, str) else read
        if isinstance(value_type, GraphQLObjectType):
            plans = self._subfields_plan(value_type, field_details_list)
            return None if plans is None else (OBJECT, (reader, value_type, nullable, plans))
        if isinstance(value_type, GraphQLList):
            object_type, item_nullable = _unwrapped(value_type.of_type)
            if not isinstance(object_type, GraphQLObjectType) or self._streamed(field_details_list):
                return None
            plans = self._subfields_plan(object_type, field_details_list)
            return None if plans is None else (LIST, (reader, object_type, nullable, item_nullable, plans))
        return None

    def _argued_source(self, field: GraphQLField, node: Any) -> Source | None:
        key = (id(node), id(field))
        entry = self._argued.get(key)
        if entry is None or entry[0] is not node or entry[1] is not field:
            entry = (node, field, _argued_source(field, node, self.variable_values, self._converter))
            self._argued[key] = entry
        return entry[2]

    def _streamed(self, field_details_list: Any) -> bool:
        # @stream needs a path only the ordinary executor tracks; the plain path never builds one.
        return any(d.node.directives for d in field_details_list)

    def _subfields_plan(self, object_type: GraphQLObjectType, field_details_list: Any) -> ObjectPlans | None:
        """The plans of the fields selected on ``object_type`` under these nodes, or None if one is not plain."""
        if object_type.is_type_of is not None:
            return None
        grouped_field_set, defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        return None if defer_usages or forbidden else self._object_plan(object_type, grouped_field_set)

    def _object_plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> ObjectPlans | None:
        entry = self._object_plans.get(id(grouped_field_set))
        if entry is None or entry[0] is not grouped_field_set or entry[1] is not parent_type:
            entry = (grouped_field_set, parent_type, self._fields_plan(parent_type, grouped_field_set))
            self._object_plans[id(grouped_field_set)] = entry
        return entry[2]

    def _fields_plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> ObjectPlans | None:
        plans: ObjectPlans = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            if node.name.value == _TYPENAME and not node.arguments:
                plans.append((response_name, TYPENAME, parent_type.name))
                continue
            plan = self._field_plan(self.schema.get_field(parent_type, node.name.value), field_details_list)
            if plan is None:
                return None
            plans.append((response_name, *plan))
        return plans

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any = None,
    ) -> Any:
        plans = self._object_plan(parent_type, grouped_field_set)
        if plans is not None:
            results = _build(source_value, plans, self._resolved)
            if results is not None:
                return results
        # Not plain, or this object has a value only the ordinary way can report as an error.
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def complete_iterable_value(
        self,
        item_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        items: Any,
        position_context: Any = None,
    ) -> Any:
        """A list of plain objects (a resolver's summary groups) in one loop; anything else the ordinary way."""
        object_type, nullable = _unwrapped(item_type)
        if (
            isinstance(items, list)
            and isinstance(object_type, GraphQLObjectType)
            and self.get_stream_usage(field_details_list, path) is None
        ):
            plans = self._subfields_plan(object_type, field_details_list)
            if plans is not None:
                completed = _build_list(items, nullable, plans, self._resolved)
                if completed is not _MISSING:
                    return completed
        return super().complete_iterable_value(item_type, field_details_list, info, path, items, position_context)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any = None,
    ) -> Any:
        field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        plan = self._field_plan(field, field_details_list)
        if field is not None and plan is not None:
            value = _value(source, *plan, self._resolved)
            if value is not _MISSING:
                return value
            kind, details = plan
            result = _remembered(self._resolved, details[0], source) if kind in (COMPUTED, OBJECT, LIST) else _MISSING
            if type(result) is Failed:
                # What the ordinary path does with an error its resolver raised, without calling it again.
                self.handle_field_error(result.error, field.type, field_details_list, path)
                return None
            if result is not _MISSING:
                return self._complete(field, parent_type, field_details_list, path, position_context, result)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _complete(self, field: GraphQLField, parent_type: GraphQLObjectType, field_details_list: Any, path: Any,
                  position_context: Any, result: Any) -> Any:
        """The rest of graphql-core's ``execute_field`` once its resolver returned ``result``, without calling it."""
        return_type = field.type
        info = self.build_resolve_info(field, to_nodes(field_details_list), parent_type, path)
        try:
            completed = self.complete_value(return_type, field_details_list, info, path, result, position_context)
        except Exception as raw_error:  # noqa: BLE001 - a field error, as graphql-core reports it
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:  # noqa: BLE001 - as above
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_completed()


def _remembered(resolved: Resolved, reader: Any, source: Any) -> Any:
    """What ``reader`` gave (or :class:`Failed`) for ``source`` earlier in this execution, else ``_MISSING``."""
    entry = resolved.get((id(reader), id(source)))
    return entry[1] if entry is not None and entry[0] is source else _MISSING


def _read(reader: Reader, source: Any, resolved: Resolved) -> Any:
    """``reader(source)``, once per source and execution; a failure is ``_MISSING`` (the ordinary path reports it).

    Attribute readers are not remembered: reading an attribute again costs nothing and changes nothing.
    """
    if type(reader) is not _Calling:
        return reader(source)
    key = (id(reader), id(source))
    entry = resolved.get(key)
    if entry is not None and entry[0] is source:
        value = entry[1]
    else:
        value = reader(source)
        # The source is held with the result, so its id cannot be reused by another object meanwhile.
        resolved[key] = (source, value)
    return _MISSING if type(value) is Failed else value


def _build(source: Any, plans: ObjectPlans, resolved: Resolved) -> dict[str, Any] | None:
    """One plain object's response, or None when one of its values needs the ordinary path."""
    results: dict[str, Any] = {}
    for response_name, kind, plan in plans:
        if kind == LEAF:
            # The commonest values, as in _scalar, without a call per field (a summary reads ~10,000).
            value: Any = getattr(source, plan[0], _MISSING)
            value_type = type(value)
            if (value_type is int and plan[1] is GraphQLInt and _INT_MIN <= value <= _INT_MAX) or (
                value_type is str and plan[1] is GraphQLString
            ):
                results[response_name] = value
                continue
            value = _scalar(value, plan)
        elif kind == TYPENAME:
            value = plan
        else:
            value = _value(source, kind, plan, resolved)
        if value is _MISSING:
            return None
        results[response_name] = value
    return results


def _value(source: Any, kind: int, plan: Any, resolved: Resolved) -> Any:
    """One plain field's response, or ``_MISSING`` when only the ordinary path can say what is wrong."""
    if kind == LEAF:
        return _scalar(getattr(source, plan[0], _MISSING), plan)
    if kind == COMPUTED:
        return _scalar(_read(plan[0], source, resolved), plan)
    if kind == TYPENAME:
        return plan
    value = _read(plan[0], source, resolved)
    if value is None:
        return None if plan[2] else _MISSING
    if value is _MISSING or isinstance(value, Exception):
        return _MISSING
    if kind == OBJECT:
        built = _build(value, plan[3], resolved)
        return _MISSING if built is None else built
    if not isinstance(value, list):  # other iterables the ordinary way
        return _MISSING
    return _build_list(value, plan[3], plan[4], resolved)


def _build_list(items: list[Any], nullable: bool, plans: ObjectPlans, resolved: Resolved) -> Any:
    """A list of plain objects' responses, or ``_MISSING``."""
    completed: list[dict[str, Any] | None] = []
    for item in items:
        if item is None:
            if not nullable:
                return _MISSING
            completed.append(None)
            continue
        built = _build(item, plans, resolved)
        if built is None:
            return _MISSING
        completed.append(built)
    return completed


def _scalar(value: Any, plan: Source) -> Any:
    """A scalar field's serialised value, or ``_MISSING`` when only the ordinary path can say what is wrong."""
    _, scalar, nullable = plan
    if value is None:
        return None if nullable else _MISSING
    if value is _MISSING or isinstance(value, Exception):
        return _MISSING
    value_type = type(value)
    # The built-in scalars' own checks, inlined for the values they pass unchanged.
    if value_type is int and scalar is GraphQLInt and _INT_MIN <= value <= _INT_MAX:
        return value
    if (value_type is str and scalar is GraphQLString) or (value_type is bool and scalar is GraphQLBoolean):
        return value
    if value_type is int and scalar.name == BIG_INT and -(2**63) <= value < 2**63:
        return value
    try:
        serialized = scalar.serialize(value)
    except Exception:  # noqa: BLE001 - the ordinary path reports it as a field error
        return _MISSING
    return _MISSING if serialized is None else serialized
