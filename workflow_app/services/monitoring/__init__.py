"""Monitoring: the early-warning board and its summary rows, DNP's hitos, exports, a person's calendar."""
