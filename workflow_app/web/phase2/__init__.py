"""Phase II pages: a plan's Phase II, the plan indicativo's matrix, the entity's budget statute."""
