"""Rows read on the connection, made into the session's objects as the ORM's loader makes them.

The busiest statements (the signed-in person on every page, the inbox's stamp of the plans in scope, the act's
plan and its procedures) cost twice as much through the ORM's execution path as on the connection.
``RowLoader`` reads a model's columns as plain columns and makes each row into the object the ORM would have
made: the one already in the session if there is one (the ORM's loader does not overwrite it either), else a new
instance with its fields set as loaded (made without ``__init__``), attached as persistent the way the ORM's own
loader attaches a new row (``sqlalchemy.orm.loading._instance``: the identity key, the session, the identity
map; no cascade, no history); fields left out are expired, so they load from the database if they are ever read.
Its relationships load on demand, or are set by the caller with ``set_committed_value``. Types are applied by the
connection as for any Core statement.
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import instance_state


class RowLoader:
    def __init__(self, model: type, fields: tuple[str, ...] | None = None):
        """``fields``: the attributes the rows hold, in their order (every column attribute by default); the first
        must be the primary key. Attributes left out load from the database if they are ever read."""
        self.mapper = inspect(model)
        self.fields = fields or tuple(prop.key for prop in self.mapper.column_attrs)
        self.columns = tuple(self.mapper.column_attrs[field].columns[0] for field in self.fields)
        assert self.columns[0] is self.mapper.primary_key[0], "the primary key goes first"
        self._identity_class = self.mapper._identity_class
        self._left_out = frozenset(prop.key for prop in self.mapper.column_attrs) - set(self.fields)
        self._new_instance = self.mapper.class_manager.new_instance
        # The ORM runs "load" and "loaded_as_persistent" listeners on what it loads; none is registered for the
        # models read this way, and ``_attach`` would skip them: refuse rather than skip them silently.
        assert not self.mapper.class_manager.dispatch.load, f"{model.__name__} has load listeners"

    def key(self, primary_key) -> tuple:
        """The identity key of the row whose primary key is ``primary_key`` (``Mapper.identity_key_from_primary_key``)."""
        return self._identity_class, (primary_key,), None

    def load(self, session: Session | scoped_session, values) -> object:
        if isinstance(session, scoped_session):
            session = session()
        key = self.key(values[0])
        identity_map = session.identity_map
        loaded = identity_map.get(key)
        if loaded is not None:
            return loaded
        instance = self._new_instance()
        instance.__dict__.update(zip(self.fields, values))
        state = instance_state(instance)
        state.key, state.identity_token, state.session_id = key, None, session.hash_key
        if self._left_out:
            state._expire_attributes(state.dict, self._left_out)
        identity_map._add_unpresent(state, key)
        return instance
