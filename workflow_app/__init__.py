"""Ruta PDT: the Flask service around the legal core (``state_machines``).

``app.create_app`` builds the application; ``docs/ARCHITECTURE.md`` maps the packages and their layers.
Nothing is imported here, so importing a model never drags in the web layer.
"""
