"""WTForms classes: the shape of input only. A valid form becomes a frozen command for a service."""
