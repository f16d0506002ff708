"""Storage: models, the engine, the embedded PostgreSQL, and writing canonical reports."""

from db.engine import create_engine, resolve_url, session_factory
from db.models import Base

__all__ = ["Base", "create_engine", "resolve_url", "session_factory"]
