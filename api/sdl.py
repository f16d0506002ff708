"""Write the GraphQL SDL to schema.graphql: ``python -m api.sdl`` (same output as ``strawberry export-schema``,
which needs the ``strawberry-graphql[cli]`` extra)."""

from __future__ import annotations

import sys
from pathlib import Path

from strawberry.printer import print_schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    """The schema's SDL, as exported."""
    from api.graphql import build_schema
    from core.settings import Settings

    return print_schema(build_schema(Settings())) + "\n"


def main() -> None:
    """Write schema.graphql, or with ``--check`` exit 1 when it differs from the code (for CI)."""
    text = sdl()
    if "--check" in sys.argv[1:]:
        if SDL_PATH.read_text(encoding="utf-8") != text:
            sys.exit("schema.graphql is stale: run `python -m api.sdl`")
        return
    SDL_PATH.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
