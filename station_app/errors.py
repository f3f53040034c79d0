"""Errors a user can act on: moved to :mod:`station_app.core.errors`; importable from here too."""

from station_app.core.errors import (
    DatabaseError,
    ImportRejected,
    KnownError,
    NotFoundError,
    StaleEdit,
    StorageError,
    ValidationError,
    check_not_stale,
    os_reason,
    storage_error_from_oserror,
)

__all__ = ["KnownError", "ValidationError", "NotFoundError", "DatabaseError", "StorageError", "ImportRejected",
           "StaleEdit", "storage_error_from_oserror", "os_reason", "check_not_stale"]
