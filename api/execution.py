"""A shorter path through graphql-core for plain leaf fields.

A field like ``ApplicationRow.naturalPerson`` has no resolver: its value is an attribute of the object,
serialised by a built-in scalar. graphql-core still builds a path and a resolve info, calls Strawberry's
default resolver, checks for an awaitable and dispatches ``complete_value`` for each one, which is most of
the time of a response with thousands of cells (100 reports × 25 §3 rows × 8 fields). For such fields
this context reads the attribute and serialises it directly, and an object whose selected fields are all
such fields (a §3 row) is built in one loop, as is an object field read from an attribute whose own
selection is plain (a summary group's ``province { code name }`` or ``reviews { review { total } }``). Anything unusual (a null in a non-null field, a value the
scalar refuses, arguments, middleware) goes the ordinary way, so errors read exactly as before.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
    specified_scalar_types,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

Plan = tuple[str, GraphQLScalarType, bool]  # attribute, scalar, nullable
# An object field without a resolver whose selected fields are all plain (a group's ``province { code
# name }``): attribute, object type, nullable, and per response key the plan of each selected field.
ObjectPlan = tuple[str, GraphQLObjectType, bool, list[tuple[str, Any]]]

# id(GraphQLField) → (that field, what _read_attribute says of it). Holding the field keeps its id from being
# reused by another schema's field (tests build several schemas).
_ATTRIBUTES: dict[int, tuple[GraphQLField, tuple[str, Any, bool] | None]] = {}
_BUILT_IN = frozenset(specified_scalar_types)
_MISSING = object()
_TYPENAME = "__typename"
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # GraphQL's Int is 32-bit


def _attribute(field: GraphQLField) -> tuple[str, Any, bool] | None:
    """(attribute, type, nullable) of a field read straight from an attribute, else None; once per field."""
    entry = _ATTRIBUTES.get(id(field))
    if entry is None or entry[0] is not field:
        entry = _ATTRIBUTES[id(field)] = (field, _read_attribute(field))
    return entry[1]


def _read_attribute(field: GraphQLField) -> tuple[str, Any, bool] | None:
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field or field.args:
        return None
    if not getattr(field.resolve, "_is_default", False):
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    return definition.python_name, field.type if nullable else field.type.of_type, nullable


def _plan(field: GraphQLField) -> Plan | None:
    found = _attribute(field)
    if found is None or not isinstance(found[1], GraphQLScalarType) or found[1].name not in _BUILT_IN:
        return None
    return found


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the plain-leaf path of the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry passes a manager even when no extension wraps resolvers; only real middleware matters.
        self._middlewares = bool(self.middleware_manager and self.middleware_manager.middlewares)
        # id(grouped field set) → (that set, its parent type, per response key: (key, plan or None for
        # __typename)), or None when some field is not plain. Holding the set keeps its id from being reused.
        self._object_plans: dict[int, tuple[Any, GraphQLObjectType, list[tuple[str, Plan | None]] | None]] = {}

    def _leaf_plan(self, field: GraphQLField | None, node: Any) -> Plan | None:
        if field is None or node.arguments or self._middlewares:
            return None
        return _plan(field)

    def _fields_plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: Any
    ) -> list[tuple[str, Plan | ObjectPlan | None]] | None:
        plans: list[tuple[str, Plan | ObjectPlan | None]] = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            if node.name.value == _TYPENAME and not node.arguments:
                plans.append((response_name, None))
                continue
            field = self.schema.get_field(parent_type, node.name.value)
            plan = self._leaf_plan(field, node) or self._object_field_plan(field, field_details_list)
            if plan is None:
                return None
            plans.append((response_name, plan))
        return plans

    def _object_field_plan(self, field: GraphQLField | None, field_details_list: Any) -> ObjectPlan | None:
        """The plan of an object field read from an attribute whose own selected fields are all plain."""
        node = field_details_list[0].node
        if field is None or node.arguments or self._middlewares:
            return None
        found = _attribute(field)
        if found is None or not isinstance(found[1], GraphQLObjectType) or found[1].is_type_of is not None:
            return None
        attribute, object_type, nullable = found
        plans = self._subfields_plan(object_type, field_details_list)
        return None if plans is None else (attribute, object_type, nullable, plans)

    def _subfields_plan(self, object_type: GraphQLObjectType, field_details_list: Any) -> list[tuple[str, Any]] | None:
        """The plans of the fields selected on ``object_type`` under these nodes, or None if one is not plain."""
        grouped_field_set, defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        return None if defer_usages or forbidden else self._object_plan(object_type, grouped_field_set)

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
            results = _build(parent_type, source_value, plans)
            if results is not None:
                return results
        # Not plain, or this object has a value only the ordinary way can report as an error.
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def _object_plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: Any
    ) -> list[tuple[str, Plan | None]] | None:
        entry = self._object_plans.get(id(grouped_field_set))
        if entry is None or entry[0] is not grouped_field_set or entry[1] is not parent_type:
            entry = (grouped_field_set, parent_type, self._fields_plan(parent_type, grouped_field_set))
            self._object_plans[id(grouped_field_set)] = entry
        return entry[2]

    def complete_iterable_value(
        self,
        item_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        items: Any,
        position_context: Any = None,
    ) -> Any:
        """A list of plain objects (the rows of a §3 table) in one loop; anything else the ordinary way."""
        nullable = not isinstance(item_type, GraphQLNonNull)
        object_type = item_type if nullable else item_type.of_type
        if (
            isinstance(items, list)
            and isinstance(object_type, GraphQLObjectType)
            and object_type.is_type_of is None
            and self.get_stream_usage(field_details_list, path) is None
        ):
            plans = self._subfields_plan(object_type, field_details_list)
            if plans is not None:
                completed = []
                for item in items:
                    if item is None:
                        if not nullable:
                            break
                        completed.append(None)
                        continue
                    built = _build(object_type, item, plans)
                    if built is None:
                        break
                    completed.append(built)
                else:
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
        node = field_details_list[0].node
        field = self.schema.get_field(parent_type, node.name.value)
        plan = self._leaf_plan(field, node)
        if plan is not None:
            value = _serialize(source, plan)
            if value is not _MISSING:
                return value
        elif self.get_stream_usage(field_details_list, path) is None:
            object_plan = self._object_field_plan(field, field_details_list)
            if object_plan is not None:
                value = _object(source, object_plan)
                if value is not _MISSING:
                    return value
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _build(parent_type: GraphQLObjectType, source: Any, plans: list[tuple[str, Any]]) -> dict[str, Any] | None:
    """One plain object's response, or None when one of its values needs the ordinary path."""
    results: dict[str, Any] = {}
    for response_name, plan in plans:
        if plan is None:
            results[response_name] = parent_type.name
            continue
        if len(plan) == 3:
            # The commonest values, as in _serialize, without a call per field (a summary reads ~10,000).
            value = getattr(source, plan[0], _MISSING)
            kind = type(value)
            if (kind is int and plan[1] is GraphQLInt and _INT_MIN <= value <= _INT_MAX) or (
                kind is str and plan[1] is GraphQLString
            ):
                results[response_name] = value
                continue
            value = _serialize(source, plan)
        else:
            value = _object(source, plan)
        if value is _MISSING:
            return None
        results[response_name] = value
    return results


def _object(source: Any, plan: ObjectPlan) -> Any:
    """An object field's response, or ``_MISSING`` when only the ordinary path can say what is wrong."""
    attribute, object_type, nullable, plans = plan
    value = getattr(source, attribute, _MISSING)
    if value is None:
        return None if nullable else _MISSING
    if value is _MISSING or isinstance(value, Exception):
        return _MISSING
    built = _build(object_type, value, plans)
    return _MISSING if built is None else built


def _serialize(source: Any, plan: Plan) -> Any:
    """The field's serialised value, or ``_MISSING`` when only the ordinary path can say what is wrong."""
    attribute, scalar, nullable = plan
    value = getattr(source, attribute, _MISSING)
    if value is None:
        return None if nullable else _MISSING
    if value is _MISSING or isinstance(value, Exception):
        return _MISSING
    kind = type(value)
    # The built-in scalars' own checks, inlined for the values they pass unchanged.
    if kind is int and scalar is GraphQLInt and _INT_MIN <= value <= _INT_MAX:
        return value
    if (kind is str and scalar is GraphQLString) or (kind is bool and scalar is GraphQLBoolean):
        return value
    try:
        serialized = scalar.serialize(value)
    except Exception:  # noqa: BLE001 - the ordinary path reports it as a field error
        return _MISSING
    return _MISSING if serialized is None else serialized
