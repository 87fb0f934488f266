"""Use cases: one function per action. Each loads, asks the legal machine, persists, audits, queues
notifications and commits once."""
