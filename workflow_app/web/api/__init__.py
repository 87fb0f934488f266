"""The read API (/api/v1), its OpenAPI document and the page where a person manages API tokens."""
