"""The cycle and its settings: reference data, opening a period, per-entity settings, the demo."""
