"""People and access: accounts, invitations, sign-in, roles, API tokens, onboarding from a file."""
