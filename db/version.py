"""The data version: a counter that every transaction changing served data bumps before it commits.

Bumped last, the row is locked only while the transaction commits, so concurrent writers barely wait on
it; read in the same snapshot as the data, it tells a cache whether what it holds is still current.
"""

from __future__ import annotations

import asyncpg

# An upsert, so a table that lost its row (restored by hand, say) still counts.
BUMP = (
    "INSERT INTO data_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1"
)
READ = "SELECT version FROM data_version WHERE id = 1"


async def bump(conn: asyncpg.Connection) -> int:
    """Call as the last statement of a transaction that changed reports, agencies or regions; returns the
    version the transaction commits."""
    version: int = await conn.fetchval(BUMP + " RETURNING version")
    return version
