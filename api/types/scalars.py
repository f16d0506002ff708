"""``BigInt``: the §3 and §4 cells, whose sums over many reports pass GraphQL's 32-bit ``Int``.

Serialised as a JSON number, as ``Int`` is: exact in every JSON reader up to 2^53, far above any sum of
counts of applications. Under mypy it is ``int``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

NAME = "BigInt"
_LIMIT = 2**63  # what PostgreSQL's bigint, and so any sum the database returns, holds


def _serialize(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and -_LIMIT <= value < _LIMIT:
        return value
    raise ValueError(f"{NAME} cannot represent {type(value).__name__} value")


def _parse(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{NAME} cannot represent a boolean")
    number = int(value) if isinstance(value, int | str) else None
    if number is None or not -_LIMIT <= number < _LIMIT:
        raise ValueError(f"{NAME} takes a whole number of at most 64 bits")
    return number


if TYPE_CHECKING:
    BigInt = int
else:
    BigInt = NewType(NAME, int)

# The schema's scalar_map (api.graphql.build_schema).
SCALARS: dict[object, ScalarDefinition] = {BigInt: strawberry.scalar(
    name=NAME, serialize=_serialize, parse_value=_parse,
    description="A whole number of up to 64 bits (a sum may pass GraphQL's 32-bit Int), as a JSON number.",
)}
