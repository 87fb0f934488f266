"""Who is told what, and how: the outbox notifier, e-mail and in-app channels, RQ jobs, the sweep."""
