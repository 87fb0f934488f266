"""Monitoreo 360 (phase-ii.md §3): the monthly user survey, the Lista de Chequeo, the fortnightly SETA cuts and the
advisers' monthly activity reports and ranking. Parameters the seeds do not give live in
``reference_data/monitoreo360.json`` (``parameters.py``); docs/monitoreo-360.md says what was decided and why."""
