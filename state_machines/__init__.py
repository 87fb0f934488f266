"""Pure legal domain of the PDT approval route.

Nothing here imports Flask, SQLAlchemy, RQ, redis or WTForms: the same rules serve the web pages,
the background sweep, the CLI and the API. Norm IDs cite ``shared/domain/legal-path.md`` §0.
"""
