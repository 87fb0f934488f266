"""The database seen from below the ORM: rows made into objects as loaded (as_loaded), read-only pages without a transaction (read_only), the SQLite trial instance's functions (sqlite), a pooled connection pinged only after resting (liveness), psycopg's
cursor description made when read (description)."""
