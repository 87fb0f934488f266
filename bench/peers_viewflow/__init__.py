"""The django-viewflow contender of ``bench/peers.py``: a Django app (label ``peers_viewflow``) with the legal route
as a viewflow 2 ``Flow``. Importable only after ``bench.peers`` has configured Django (settings.configure)."""
