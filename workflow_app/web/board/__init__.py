"""The early-warning board, hitos, exports and the printable expediente."""
