"""``orderbot db upgrade|current``: the store's schema, needing only ``DATABASE_URL``."""

from __future__ import annotations

import sys

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.config import StoreSettings, describe_validation_error
from bot.store.db import Database
from bot.store.schema import SchemaError, SchemaState, status, upgrade


def database_problem(err: SQLAlchemyError) -> str:
    """One line about a database failure; the driver's first line names host and cause, not the password."""
    original = getattr(err, "orig", None) or err
    first = (str(original).strip().splitlines() or [""])[0]
    return f"database error: {type(original).__name__}: {first}"[:300]


def run_db_command(action: str) -> int:
    """``upgrade``: exit 0 once the schema is current. ``current``: exit 0 only if it already is."""
    try:
        settings = StoreSettings()
    except ValidationError as err:
        print(describe_validation_error(err), file=sys.stderr)
        return 2
    try:
        db = Database(settings.database_url)
    except (ArgumentError, ImportError, ValueError) as err:
        # Never echo the URL: it may hold a password.
        print(f"configuration error: DATABASE_URL is invalid ({type(err).__name__})", file=sys.stderr)
        return 2
    try:
        before = status(db)
        if action == "current":
            print(f"database schema: {before.describe()}")
            if before.state is not SchemaState.CURRENT:
                print("run `orderbot db upgrade` to bring it up to date", file=sys.stderr)
            return 0 if before.state is SchemaState.CURRENT else 1
        if before.state is SchemaState.CURRENT:
            print(f"database schema: already current ({', '.join(before.heads)})")
            return 0
        after = upgrade(db)
        was = "from before migrations" if before.state is SchemaState.LEGACY else before.state.value
        start = ", ".join(before.current) or "none"
        print(f"database schema: upgraded {was} ({start}) to {', '.join(after.current)}")
        return 0
    except SchemaError as err:
        print(f"orderbot db {action}: {err}", file=sys.stderr)
        return 1
    except SQLAlchemyError as err:
        print(f"orderbot db {action}: {database_problem(err)}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
