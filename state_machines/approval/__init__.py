"""Phase I: the route to the plan's approval (PDT machine, sub-procedures, duties, concepts, regimes)."""
