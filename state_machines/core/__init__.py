"""The engine every machine uses: the transition table (machine), dates, roles, wording, diagrams."""
