"""The plan page, its acts and the plan plurianual de inversiones (PPI)."""
