"""Administration pages: accounts, memberships, entity settings."""
