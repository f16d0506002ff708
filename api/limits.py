"""Refuse expensive queries before they run: depth, aliases, tokens and an estimated cost.

The cost estimate counts how many times each field would resolve: a connection multiplies its ``edges``
by ``first`` (20 when absent, 100 when it comes from a variable), ``summary`` by how many groups its
``groupBy`` can give within its filter (:func:`summary_groups`; when a variable gives either, ``summary``
measures itself once it knows them, :func:`check_summary_cost`), any other list by ``LIST_FACTOR``; a §3
``matrix`` counts as its ``rows`` with every field would. The four limits are settings
(``XXGK_MAX_QUERY_DEPTH``, ``_ALIASES``, ``_TOKENS``, ``_COST``).

Depth, aliases and cost are measured in one walk in which each fragment is measured once (per parent type
and page size), however many times it is spread: a document of fragments that each spread the next twice
is measured in time linear in its length, not in the size of its expansion. Figures saturate at
``_CEILING`` rather than grow without bound.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from enum import Enum
from functools import cache, partial
from typing import Any

from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from graphql.type.definition import GraphQLInterfaceType
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from api.errors import UserError
from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from api.types.summary import SummaryDimension
from api.validation import OffLoopValidation
from core.settings import Settings
from loaders.agency_kind import KINDS
from loaders.canonical import APPLICANT_COLUMNS, TEMPLATES
from loaders.gazetteer import all_regions, region_chain

LIST_FACTOR = 10
# Scalars that stand for many values: one JSON object of every §3 cell costs what ``rows`` with all eight
# of its fields does (it takes as long to build and send: 0.19 s for 186 summary groups, 100,000 reports).
_VALUES = {("Applications", "matrix"): 1 + LIST_FACTOR * (len(APPLICANT_COLUMNS) + 1)}
_CEILING = 10**15  # far above any limit: a figure past it says "too much" as well as the exact one would
_FIRST_REPORT_YEAR = 2008  # the Regulations on the Disclosure of Government Information took effect


@cache
def dimension_cardinality() -> dict[SummaryDimension, int]:
    """How many values each ``summary`` dimension can take: the gazetteer's regions per level, the agency
    kinds, the templates, and the report years from 2008 to next year."""
    levels = _regions_below()[""]
    return {
        SummaryDimension.YEAR: len(_years()),
        SummaryDimension.PROVINCE: levels["province"],
        SummaryDimension.CITY: levels["city"],
        SummaryDimension.COUNTY: levels["county"],
        SummaryDimension.KIND: len(KINDS),
        SummaryDimension.TEMPLATE: len(TEMPLATES),
    }


def _years() -> range:
    return range(_FIRST_REPORT_YEAR, date.today().year + 2)


@cache
def _regions_below() -> dict[str, Counter[str]]:
    """Region code → how many regions of each level lie at or below it ("" → all of them)."""
    below: dict[str, Counter[str]] = {"": Counter()}
    for region in all_regions():
        below[""][region.level] += 1
        for ancestor in region_chain(region.code):
            below.setdefault(ancestor.code, Counter())[region.level] += 1
    return below


_REGION_LEVELS = {SummaryDimension.PROVINCE: "province", SummaryDimension.CITY: "city",
                  SummaryDimension.COUNTY: "county"}


def summary_groups(dimensions: Iterable[SummaryDimension], narrowed: Mapping[str, Any] | None = None) -> int:
    """The most groups ``summary(groupBy: dimensions)`` can give: the product of the dimensions' cardinalities,
    the region levels counted once at the finest chosen (a county lies in one city and one province).

    ``narrowed`` holds the filter's fields that narrow a dimension (``year``, ``year_from``, ``year_to``,
    ``region_code``, ``kind``, ``template``): a province's code leaves its own counties, a year one year.
    """
    chosen = set(dimensions)
    narrowed = narrowed or {}
    cardinality = dict(dimension_cardinality())
    code = narrowed.get("region_code")
    if isinstance(code, str):
        below = _regions_below().get(code, Counter())
        for dimension, level in _REGION_LEVELS.items():
            cardinality[dimension] = max(below[level], 1)
    years = _years()
    year, low, high = (narrowed.get(k) for k in ("year", "year_from", "year_to"))
    if isinstance(year, int):
        cardinality[SummaryDimension.YEAR] = 1
    elif isinstance(low, int) or isinstance(high, int):
        low = max(low, years[0]) if isinstance(low, int) else years[0]
        high = min(high, years[-1]) if isinstance(high, int) else years[-1]
        cardinality[SummaryDimension.YEAR] = max(high - low + 1, 1)
    for name, dimension in (("kind", SummaryDimension.KIND), ("template", SummaryDimension.TEMPLATE)):
        if isinstance(narrowed.get(name), str | Enum):
            cardinality[dimension] = 1
    groups = max((cardinality[d] for d in _REGION_LEVELS if d in chosen), default=1)
    for dimension in (SummaryDimension.YEAR, SummaryDimension.KIND, SummaryDimension.TEMPLATE):
        if dimension in chosen:
            groups *= cardinality[dimension]
    return groups


# The filter fields that narrow a summary's groups, by their GraphQL names.
_NARROWING = {"year": "year", "yearFrom": "year_from", "yearTo": "year_to", "regionCode": "region_code",
              "kind": "kind", "template": "template"}


def _literal_summary(node: FieldNode) -> tuple[list[SummaryDimension], dict[str, Any]] | None:
    """A ``summary`` field's ``groupBy`` and narrowing filter fields as the document gives them, or None when a
    variable gives either (``summary`` then measures itself once it knows: :func:`check_summary_cost`)."""
    dimensions: list[SummaryDimension] = []
    narrowed: dict[str, Any] = {}
    for argument in node.arguments or ():
        value = argument.value
        if argument.name.value == "groupBy":
            values = value.values if isinstance(value, ListValueNode) else (value,)
            names = [v.value for v in values if isinstance(v, EnumValueNode)]
            if len(names) != len(values):
                return None  # a variable, the list's or an item's
            dimensions = [SummaryDimension[n] for n in names if n in SummaryDimension.__members__]
        elif argument.name.value == "filter":
            if not isinstance(value, ObjectValueNode):
                return None
            for field in value.fields:
                name = _NARROWING.get(field.name.value)
                if name and isinstance(field.value, IntValueNode):
                    narrowed[name] = int(field.value.value)
                elif name and isinstance(field.value, StringValueNode | EnumValueNode):
                    narrowed[name] = field.value.value
    return dimensions, narrowed


def _saturated(value: int) -> int:
    return min(value, _CEILING)


class _Measure:
    """Depth, aliases and unit cost of selection sets; each fragment measured once per (type, page size)."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self._depths: dict[str, int] = {}
        self._aliases: dict[str, int] = {}
        self._costs: dict[tuple[str, str, int | None], int] = {}
        self._open: set[Any] = set()  # fragments being measured: a cycle counts as nothing (another rule says so)

    def _fragment(self, name: str, memo: dict[Any, int], key: Any, measure: Callable[[SelectionSetNode], int]) -> int:
        if key in memo:
            return memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or (id(memo), key) in self._open:
            return 0
        self._open.add((id(memo), key))
        try:
            memo[key] = value = measure(fragment.selection_set)
        finally:
            self._open.discard((id(memo), key))
        return value

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        """Fields nested below this selection set, counted as Strawberry's depth limiter counts them."""
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is None or selection.name.value.startswith("__"):
                    continue
                deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                deepest = max(deepest, self._fragment(name, self._depths, name, self.depth))
        return deepest

    def aliases(self, selection_set: SelectionSetNode | None) -> int:
        """Aliased fields, each fragment counted once per spread."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += (selection.alias is not None) + self.aliases(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self.aliases(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                total += self._fragment(name, self._aliases, name, self.aliases)
        return _saturated(total)

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, edge_factor: int | None) -> int:
        """Field resolutions under this selection set, once its parent resolves once (the cost is linear in that)."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, edge_factor)
            elif isinstance(selection, InlineFragmentNode):
                condition = (self.schema.get_type(selection.type_condition.name.value)
                             if selection.type_condition else parent)
                total += self.cost(selection.selection_set, condition or parent, edge_factor)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None:
                    continue  # unknown: another rule reports it
                condition = self.schema.get_type(fragment.type_condition.name.value) or parent
                total += self._fragment(name, self._costs, (name, condition.name, edge_factor),
                                        partial(self.cost, parent=condition, edge_factor=edge_factor))
        return _saturated(total)

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType, edge_factor: int | None,
                   groups: int | None = None) -> int:
        """One resolution of the field and what it selects; ``groups`` overrides a ``summary``'s group count."""
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 1
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 1
        multiplier = edge_factor if node.name.value == "edges" and edge_factor is not None else 1
        if (parent.name, node.name.value) in _VALUES:
            return multiplier * _VALUES[parent.name, node.name.value]
        field_type = definition.type
        inner = field_type.of_type if is_non_null_type(field_type) else field_type
        named = get_named_type(field_type)
        child_edges = _page_size(node) if named.name.endswith("Connection") else None
        child = 1
        if is_list_type(inner) and node.name.value != "edges":
            child = LIST_FACTOR
            if named.name == "SummaryGroup":
                if groups is None:
                    literal = _literal_summary(node)
                    groups = summary_groups(*literal) if literal is not None else LIST_FACTOR
                child = groups
        return _saturated(multiplier * (1 + _saturated(child * self.cost(node.selection_set, named, child_edges))))


def _page_size(node: FieldNode) -> int:
    for argument in node.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(int(argument.value.value), 1)
            return MAX_PAGE_SIZE
    return DEFAULT_PAGE_SIZE


def _too_expensive(cost: int, max_cost: int) -> str:
    shown = f"{cost}" if cost < _CEILING else f"over {_CEILING:.0e}"
    return (f"query is too expensive: estimated cost {shown} exceeds {max_cost}; "
            "ask for smaller pages (first), fewer summary groups or fewer nested lists")


class QueryLimitsRule(ValidationRule):
    """Refuses a document whose operations nest deeper than ``max_depth``, hold more than ``max_aliases``
    aliases (fragments counted per spread) or would cost more than ``max_cost`` (see the module docstring)."""

    max_depth = Settings().max_query_depth
    max_aliases = Settings().max_query_aliases
    max_cost = Settings().max_query_cost

    def enter_document(self, node: DocumentNode, *_: Any) -> None:
        fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
        measure = _Measure(self.context.schema, fragments)
        aliases = 0
        for operation in node.definitions:
            if not isinstance(operation, OperationDefinitionNode):
                continue
            name = operation.name.value if operation.name else "anonymous"
            if measure.depth(operation.selection_set) > self.max_depth:
                self.report_error(GraphQLError(f"'{name}' exceeds maximum operation depth of {self.max_depth}",
                                               operation))
                continue
            aliases = _saturated(aliases + measure.aliases(operation.selection_set))
            root = self.context.schema.get_root_type(operation.operation)
            if root is None:
                continue
            cost = measure.cost(operation.selection_set, root, None)
            if cost > self.max_cost:
                self.report_error(GraphQLError(_too_expensive(cost, self.max_cost), operation))
        if aliases > self.max_aliases:
            self.report_error(GraphQLError(f"{aliases} aliases found. Allowed: {self.max_aliases}"))


def check_summary_cost(info: GraphQLResolveInfo, dimensions: Sequence[SummaryDimension], narrowed: Any,
                       spent: int, max_cost: int) -> int:
    """What a ``summary`` costs now that its ``groupBy`` and ``filter`` are known, where a variable gave one of
    them (validation could count it only as any list); refused, as validation refuses a literal one, when
    ``spent`` (by the request's other summaries) plus this passes ``max_cost``. Returns the new ``spent``."""
    nodes = info.field_nodes
    if all(_literal_summary(node) is not None for node in nodes):
        return spent  # validation measured it
    measure = _Measure(info.schema, info.fragments)
    values = {name: getattr(narrowed, name, None) for name in _NARROWING.values()}
    groups = summary_groups(dimensions, values)
    cost = _saturated(spent + sum(measure.field_cost(node, info.parent_type, None, groups) for node in nodes))
    if cost > max_cost:
        raise UserError(_too_expensive(cost, max_cost))
    return cost


@cache
def _rules(depth: int, aliases: int, cost: int) -> list[type[ASTValidationRule]]:
    """Built once per set of limits, the rule is the same class in every request, so a document validated
    once is not validated again (the validation cache is keyed by it too)."""
    return [type("QueryLimitsRule", (QueryLimitsRule,), {"max_depth": depth, "max_aliases": aliases, "max_cost": cost})]


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The factory of the parse (with the token limit) and validation step (a fresh extension per request).

    The limits depend only on the document (a ``first`` from a variable counts as the largest page; a
    ``groupBy`` from one is checked again by ``summary`` once its value is known), so validation is cached.
    """
    rules = _rules(settings.max_query_depth, settings.max_query_aliases, settings.max_query_cost)
    # One extension parses with the token limit (Strawberry's MaxTokensLimiter would only pass it on, at the
    # cost of one more extension run per request).
    return [partial(OffLoopValidation, tuple(rules), settings.max_query_tokens)]


__all__ = ["LIST_FACTOR", "QueryLimitsRule", "check_summary_cost", "limit_extensions", "summary_groups"]
