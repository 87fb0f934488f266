"""Help pages: "¿Qué me toca?" per role and the glossary."""
