"""A shorter path through graphql-core for plain leaf fields.

A field like ``ApplicationRow.naturalPerson`` has no resolver: its value is an attribute of the object,
serialised by a built-in scalar. graphql-core still builds a resolve info, calls Strawberry's default
resolver, checks for an awaitable and dispatches ``complete_value`` for each one, which is most of the
time of a response with thousands of cells (100 reports × 25 §3 rows × 8 fields). For such fields this
context reads the attribute and serialises it directly. Anything unusual (a null in a non-null field, a
value the scalar refuses, arguments, middleware) goes the ordinary way, so errors read exactly as before.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLField, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, specified_scalar_types
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# id(GraphQLField) → (attribute, scalar, nullable), or None when the field is not plain. The schema lives as
# long as the process, so its field objects (and their ids) do too.
_PLANS: dict[int, tuple[str, GraphQLScalarType, bool] | None] = {}
_BUILT_IN = frozenset(specified_scalar_types)
_MISSING = object()


def _plan(field: GraphQLField) -> tuple[str, GraphQLScalarType, bool] | None:
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field or field.args:
        return None
    if not getattr(field.resolve, "_is_default", False):
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    scalar = field.type if nullable else field.type.of_type
    if not isinstance(scalar, GraphQLScalarType) or scalar.name not in _BUILT_IN:
        return None
    return definition.python_name, scalar, nullable


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the plain-leaf path of the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry passes a manager even when no extension wraps resolvers; only real middleware matters.
        self._middlewares = bool(self.middleware_manager and self.middleware_manager.middlewares)

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
        if field is not None and not node.arguments and not self._middlewares:
            key = id(field)
            plan = _PLANS[key] if key in _PLANS else _PLANS.setdefault(key, _plan(field))
            if plan is not None:
                attribute, scalar, nullable = plan
                value = getattr(source, attribute, _MISSING)
                if value is None and nullable:
                    return None
                if value is not None and value is not _MISSING and not isinstance(value, Exception):
                    try:
                        serialized = scalar.serialize(value)
                    except Exception:  # noqa: BLE001 - the ordinary path reports it as a field error
                        serialized = None
                    if serialized is not None:
                        return serialized
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
