"""Plumbing: Flask extensions, the injected clock, jobs queued after commit, rate limits, template filters,
security headers and error pages. Imports nothing from the domain, the services or the web layer."""
