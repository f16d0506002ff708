"""schema.graphql at the repo root is the exported SDL of the code (regenerate it when this fails)."""

from __future__ import annotations

from api.sdl import SDL_PATH, sdl


def test_schema_graphql_matches_the_code():
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), "schema.graphql is stale: run `python -m api.sdl`"
