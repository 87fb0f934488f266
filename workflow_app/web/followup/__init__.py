"""Monitoreo 360 pages (phase-ii.md §3)."""
