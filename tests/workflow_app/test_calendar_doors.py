"""The calendar's two doors (CLI and HTTP) reproduce the contract's worked examples and its refusals."""
import json

import pytest

from tests.state_machines.test_calendar import INVALID, WORKED_EXAMPLES


def _rows(output: dict) -> dict:
    rows = {}
    for d in output["deadlines"]:
        key = d["key"] + (f":{d['authority']}" if "authority" in d else "")
        rows[key] = (d["earliest"], d["latest"], d["act_by"], d["overdue_from"])
    return rows


@pytest.mark.parametrize("facts, table, effects", WORKED_EXAMPLES)
def test_api_reproduces_worked_example(client, facts, table, effects):
    response = client.post("/api/v1/calendar", json=facts)
    assert response.status_code == 200
    rows = _rows(response.get_json())
    assert {k: rows[k] for k in table} == table
    assert all(d["explanation"] for d in response.get_json()["deadlines"])


@pytest.mark.parametrize("facts, table, effects", WORKED_EXAMPLES)
def test_cli_reproduces_worked_example(app, facts, table, effects, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts))
    result = app.test_cli_runner().invoke(args=["pdt", "calendar", "--facts", str(path)])
    assert result.exit_code == 0
    rows = _rows(json.loads(result.output))
    assert {k: rows[k] for k in table} == table


def test_cli_reads_standard_input(app):
    facts = WORKED_EXAMPLES[0].values[0]
    result = app.test_cli_runner().invoke(args=["pdt", "calendar", "--facts", "-"], input=json.dumps(facts))
    assert result.exit_code == 0 and json.loads(result.output)["deadlines"]


@pytest.mark.parametrize("data, field", [pytest.param(d, f, id=i) for i, d, f in INVALID])
def test_api_refuses_invalid_facts_naming_the_field(client, data, field):
    response = client.post("/api/v1/calendar", json=data)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("data, field", [pytest.param(d, f, id=i) for i, d, f in INVALID[:12]])
def test_cli_refuses_invalid_facts_with_exit_2_and_only_the_error_json(app, data, field):
    result = app.test_cli_runner().invoke(args=["pdt", "calendar", "--facts", "-"],
                                                          input=json.dumps(data))
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"field", "message"} and error["field"] == field and error["message"]


def test_api_refuses_a_body_that_is_not_json(client):
    response = client.post("/api/v1/calendar", data="no es json", content_type="application/json")
    assert response.status_code == 422 and response.get_json()["error"]["message"]


def test_cli_refuses_a_file_that_is_not_json(app):
    result = app.test_cli_runner().invoke(args=["pdt", "calendar", "--facts", "-"], input="{oops")
    assert result.exit_code == 2 and "JSON" in json.loads(result.stdout)["error"]["message"]


def test_diagram_is_generated_from_the_table(app, tmp_path):
    from state_machines.approval.pdt import PDT_MACHINE

    out = tmp_path / "ruta.mmd"
    result = app.test_cli_runner().invoke(args=["pdt", "diagram", "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith("stateDiagram-v2")
    for t in PDT_MACHINE.transitions:
        for source in t.sources:
            assert f"{source} --> {t.dest_from(source)}" in text
