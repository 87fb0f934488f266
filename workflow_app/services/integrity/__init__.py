"""Integrity of the record: signed history checkpoints, the access log, the health of dependencies."""
