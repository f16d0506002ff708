"""xxgk: government information-disclosure annual reports as a relational dataset and GraphQL API."""

__version__ = "0.1.0"
