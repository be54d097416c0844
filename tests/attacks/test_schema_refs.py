"""Schema references are attacker input (PRODUCT.md 1.6): a resource's Table Schema is a
registry name, an http(s) URL or JSON, never a file on the server. Refused when the resource is
written, and again by the check run for anything that got into the database another way."""
import json
from pathlib import Path

import pytest
from ckanapi import ValidationError

from ckan import model
from ckan.lib import search

from ckanext.governance.checks import ChecksError, validate_table

pytestmark = pytest.mark.usefixtures("with_plugins")

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_FILE = ROOT / "schemas" / "table" / "waste-bin-sensors.json"
SERVER_FILES = [
    "/etc/shadow",                                   # exists, not JSON, secret
    "/etc/hostname",                                 # exists, not JSON
    "/nonexistent/schema.json",                      # missing
    str(REGISTRY_FILE),                              # exists, a valid Table Schema
    "file:///etc/passwd",
    "file:/etc/passwd",
    "../../../../../../etc/passwd",
    "waste-bin-sensors/../../../../etc/passwd",
    "schemas/table/waste-bin-sensors.json",
    "..",
    "C:\\Windows\\win.ini",
]


def _resource(world, dataset_id, schema):
    return world.as_user(world.publisher).action.resource_create(
        package_id=dataset_id, name="tabelle.csv", format="CSV", url="http://example.org/t.csv",
        schema=schema)


@pytest.mark.parametrize("reference", SERVER_FILES)
def test_a_server_path_as_schema_is_refused_when_written(world, reference):
    dataset = world.new_dataset("pfade")
    with pytest.raises(ValidationError) as refused:
        _resource(world, dataset["id"], reference)
    assert "schema" in refused.value.error_dict
    message = json.dumps(refused.value.error_dict)
    assert "files on the server cannot be used" in message
    assert str(ROOT) not in message


def test_a_server_path_cannot_be_patched_in_either(world):
    dataset = world.new_dataset("pfade")
    resource = dataset["resources"][0]
    with pytest.raises(ValidationError):
        world.as_user(world.publisher).action.resource_patch(id=resource["id"],
                                                             schema="/etc/shadow")


def test_an_unknown_registry_name_is_refused_with_the_known_names(world):
    dataset = world.new_dataset("namen")
    with pytest.raises(ValidationError) as refused:
        _resource(world, dataset["id"], "no-such-schema")
    message = json.dumps(refused.value.error_dict)
    assert "waste-bin-sensors" in message and str(ROOT) not in message


@pytest.mark.parametrize("reference", [
    "waste-bin-sensors",
    "https://example.org/schemas/table.json",
    json.dumps({"fields": [{"name": "id", "type": "integer"}]}),
])
def test_names_urls_and_json_are_accepted(world, reference):
    dataset = world.new_dataset("gut")
    assert _resource(world, dataset["id"], reference)["schema"] == reference


def _smuggle(dataset_id, resource_id, reference):
    """A reference that got into the database without the validator (an older portal)."""
    resource = model.Resource.get(resource_id)
    resource.extras = {**(resource.extras or {}), "schema": reference}
    model.repo.commit()
    search.rebuild(dataset_id)


def _check_message(world, name, reference):
    dataset = world.new_dataset(name)
    _smuggle(dataset["id"], dataset["resources"][0]["id"], reference)
    world.submit_and_check(dataset["id"])
    report = world.as_user(world.steward).action.governance_report_show(
        package_id=dataset["id"])["report"]
    (resource,) = report["resources"]
    assert resource["schema"] == reference  # the smuggled reference did reach the check run
    assert resource["blocking"] and not resource["valid"]
    return resource["message"]


def test_the_check_run_refuses_server_paths_alike_and_names_no_path(world):
    messages = {reference: _check_message(world, f"pfad-{index}", reference)
                for index, reference in enumerate(SERVER_FILES[:4])}
    for reference, message in messages.items():
        assert "not allowed" in message
        beyond_the_input = message.replace(reference, "")
        assert str(ROOT) not in beyond_the_input and "/etc/" not in beyond_the_input
    # existing, missing and non-JSON files answer alike
    assert len({message.replace(reference, "X") for reference, message in messages.items()}) == 1


def test_the_check_run_names_no_registry_path_for_an_unknown_name(world):
    message = _check_message(world, "unbekannt", "no-such-schema")
    assert "not a name in the schema registry" in message
    assert "waste-bin-sensors" in message and str(ROOT) not in message


def test_the_engine_reads_local_schema_files_only_when_told(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id\n1\n")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "id", "type": "integer"}]}))
    with pytest.raises(ChecksError, match="not allowed"):
        validate_table(table, str(schema))
    assert validate_table(table, str(schema), allow_local_files=True).valid
