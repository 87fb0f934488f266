"""Rows read on the connection, made into the session's objects as the ORM's loader makes them.

The busiest statements (the signed-in person on every page, the inbox's stamp of the plans in scope) cost twice
as much through the ORM's execution path as on the connection. ``RowLoader`` reads a model's columns as plain
columns and makes each row into the object the ORM would have made: the one already in the session if there is
one (the ORM's loader does not overwrite it either), else a new instance with its fields set as loaded (made
without ``__init__``), attached as persistent; its relationships load on demand, or are set by the caller with
``set_committed_value``. Types are applied by the connection as for any Core statement.
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached


class RowLoader:
    def __init__(self, model: type, fields: tuple[str, ...] | None = None):
        """``fields``: the attributes the rows hold, in their order (every column attribute by default); the first
        must be the primary key. Attributes left out load from the database if they are ever read."""
        self.mapper = inspect(model)
        self.fields = fields or tuple(prop.key for prop in self.mapper.column_attrs)
        self.columns = tuple(self.mapper.column_attrs[field].columns[0] for field in self.fields)
        assert self.columns[0] is self.mapper.primary_key[0], "the primary key goes first"

    def load(self, session: Session, values) -> object:
        loaded = session.identity_map.get(self.mapper.identity_key_from_primary_key((values[0],)))
        if loaded is not None:
            return loaded
        instance = self.mapper.class_manager.new_instance()
        instance.__dict__.update(zip(self.fields, values))
        make_transient_to_detached(instance)
        session.add(instance)
        return instance
