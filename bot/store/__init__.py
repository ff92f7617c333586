"""The state store (SQLAlchemy 2): what must survive restarts and be shared between bot processes."""
