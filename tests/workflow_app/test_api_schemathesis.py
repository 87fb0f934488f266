"""schemathesis drives the read API from its own OpenAPI document: no 5xx, documented status codes and bodies.

schemathesis' pytest plugin does not run under pytest 9, so the operations are driven through its plain API:
one Hypothesis strategy per operation of the document.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.demo_copy import demo_data

EXAMPLES_PER_OPERATION = 25


def test_every_api_operation_conforms_to_the_openapi_document(app, db_session, set_today):
    set_today("2028-03-10")
    demo_data()  # Génova and the other demo plans give the API real rows to return
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    calls = []

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            # Excluded: "schema-valid request rejected". JSON Schema cannot say that a period starts on 1 January
            # of 2020, 2024, 2028…; the calendar refuses such facts with its documented 422 and the field.
            response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
            calls.append((operation.label, response.status_code))

        run()
    assert calls and all(status < 500 for _, status in calls)
