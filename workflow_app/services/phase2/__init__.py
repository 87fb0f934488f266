"""Phase II of the route: the plan indicativo, harmonisation, budget cycle and plan de compras (issue 21)."""
