"""Refuse expensive queries before they run: depth, aliases, tokens and an estimated cost.

The cost estimate counts how many times each field would resolve: a connection multiplies its ``edges``
by ``first`` (20 when absent, 100 when it comes from a variable), any other list by ``LIST_FACTOR``.
The four limits are settings (``XXGK_MAX_QUERY_DEPTH``, ``_ALIASES``, ``_TOKENS``, ``_COST``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from graphql.type.definition import GraphQLInterfaceType
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from core.settings import Settings

LIST_FACTOR = 10


class CostLimitRule(ValidationRule):
    """A validation rule refusing an operation whose estimated field resolutions exceed ``max_cost``."""

    max_cost = Settings().max_query_cost

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        schema = self.context.schema
        root = schema.get_root_type(node.operation)
        if root is None:
            return
        cost = self._cost(node.selection_set, root, 1, None, frozenset())
        if cost > self.max_cost:
            self.report_error(
                GraphQLError(
                    f"query is too expensive: estimated cost {cost} exceeds {self.max_cost}; "
                    "ask for smaller pages (first) or fewer nested lists",
                    node,
                )
            )

    def _cost(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        multiplier: int,
        edge_factor: int | None,
        fragments: frozenset[str],
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent, multiplier, edge_factor, fragments)
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    self.context.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                total += self._cost(selection.selection_set, condition or parent, multiplier, edge_factor, fragments)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is None or name in fragments:  # unknown or cyclic: other rules report it
                    continue
                condition = self.context.schema.get_type(fragment.type_condition.name.value) or parent
                total += self._cost(fragment.selection_set, condition, multiplier, edge_factor, fragments | {name})
        return total

    def _field_cost(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        multiplier: int,
        edge_factor: int | None,
        fragments: frozenset[str],
    ) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return multiplier
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return multiplier
        if node.name.value == "edges" and edge_factor is not None:
            multiplier *= edge_factor
        field_type = definition.type
        inner = field_type.of_type if is_non_null_type(field_type) else field_type
        named = get_named_type(field_type)
        child_edges = _page_size(node) if named.name.endswith("Connection") else None
        child_multiplier = multiplier * LIST_FACTOR if is_list_type(inner) and node.name.value != "edges" else multiplier
        return multiplier + self._cost(node.selection_set, named, child_multiplier, child_edges, fragments)


def _page_size(node: FieldNode) -> int:
    for argument in node.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(int(argument.value.value), 1)
            return MAX_PAGE_SIZE
    return DEFAULT_PAGE_SIZE


@cache
def _rules(depth: int, aliases: int, cost: int) -> list[type[ASTValidationRule]]:
    """Strawberry's depth and alias limiters build a new rule class per instance. Built once per set of limits,
    the rules are the same classes in every request, so a document validated once is not validated again."""
    return [
        *QueryDepthLimiter(max_depth=depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=aliases).validation_rules,
        type("CostLimitRule", (CostLimitRule,), {"max_cost": cost}),
    ]


# Distinct query texts kept parsed and validated: a dashboard sends a few dozen.
CACHED_DOCUMENTS = 256


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories of the limiters and of the parse and validation caches (a fresh extension per request).

    The limits depend only on the document (a ``first`` from a variable counts as the maximum), so its
    validation can be cached: the token limit is a parse option, part of the parse cache's key.
    """
    rules = _rules(settings.max_query_depth, settings.max_query_aliases, settings.max_query_cost)
    return [
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(AddValidationRules, rules),
        partial(ParserCache, maxsize=CACHED_DOCUMENTS),
        partial(ValidationCache, maxsize=CACHED_DOCUMENTS),
    ]
