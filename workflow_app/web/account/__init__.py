"""A person's own pages: sign-in, "Mis pendientes", notifications and calendar feeds."""
