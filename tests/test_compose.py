"""The production deployment: docker-compose.yml against the Compose Specification, its wiring,
the image's files, and the production ckan.ini against CKAN 2.12's config declaration.

There is no Docker engine here: nothing in this file starts a container.
"""

from __future__ import annotations

import configparser
import copy
import importlib.metadata
import importlib.resources
import json
import re
import subprocess
from pathlib import Path

import yaml
from ckan.config.declaration import Declaration
from jsonschema import validators

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "docker/Dockerfile").read_text()
INI = ROOT / "docker/ckan/ckan.ini"
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}")


def compose_spec_validator():
    """The Compose Specification's JSON Schema, as vendored (with its licence) by check-jsonschema."""
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / "compose-spec.json").read_text())
    assert (vendor / "licenses/LICENSE.compose-spec").read_text().find("Apache License") >= 0
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_compose_file_matches_the_compose_specification():
    validator = compose_spec_validator()
    errors = sorted(validator.iter_errors(COMPOSE), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # the check can fail: a misspelt key, a wrong condition
    misspelt = copy.deepcopy(COMPOSE)
    misspelt["services"]["worker"]["depend_on"] = misspelt["services"]["worker"].pop("depends_on")
    assert not validator.is_valid(misspelt)
    wrong = copy.deepcopy(COMPOSE)
    wrong["services"]["ckan"]["depends_on"]["migrate"]["condition"] = "service_finished"
    assert not validator.is_valid(wrong)


def test_the_roles_of_the_stack():
    services = COMPOSE["services"]
    assert set(services) == {"migrate", "ckan", "worker", "db", "solr", "redis"}
    assert [services[name]["command"] for name in ("migrate", "ckan", "worker")] == [["migrate"], ["web"], ["worker"]]
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker  # `--scale worker=N` works
    for name in ("ckan", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    for name in ("db", "solr", "redis", "ckan"):
        assert services[name]["healthcheck"]["test"][0] == "CMD"
    # one Redis, one storage volume for web and workers (staged files, uploads)
    for name in ("migrate", "ckan", "worker"):
        environment = services[name]["environment"]
        assert environment["CKAN_REDIS_URL"] == "redis://redis:6379/0"
        assert environment["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
        assert "ckan_storage:/var/lib/ckan" in services[name]["volumes"]
        for key in ("CKAN_SQLALCHEMY_URL", "CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL"):
            assert "@db/" in environment[key]
    assert "CKAN_DATASTORE_ADMIN_URL" in services["migrate"]["environment"]
    assert "CKAN_DATASTORE_ADMIN_URL" not in services["ckan"]["environment"]  # superuser only for migrations


def test_files_the_stack_needs_exist():
    services = COMPOSE["services"]
    declared_volumes = set(COMPOSE["volumes"])
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", DOCKERFILE, re.M))
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).is_file(), f"{name}: {source}"
            else:
                assert source in declared_volumes, f"{name}: {source}"
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
            assert service["build"]["target"] in stages
    # every COPY from the build context names a file or folder of the repository
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), source
    for script in ("docker/ckan/entrypoint.sh", "docker/postgresql/initdb.sh"):
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"
        assert subprocess.run(["bash", "-n", str(ROOT / script)]).returncode == 0


def test_every_variable_is_in_the_example_env():
    text = (ROOT / "docker-compose.yml").read_text()
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines() if line and not line.startswith("#")
    )
    for name, kind, _ in VARIABLE.findall(text):
        if kind == "?" or not kind:  # required, or without a default
            assert name in example, f"${{{name}}} is required but not in .env.example"
    assert len(example["CKAN_SECRET_KEY"]) >= 32  # the entrypoint refuses shorter keys


def _production_ini():
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(INI)
    return dict(parser["app:main"])


def test_production_ini_is_declared_by_ckan_2_12_and_keeps_the_gate_closed():
    settings = _production_ini()
    plugins = settings["ckan.plugins"].split()
    assert plugins[0] == "governance"  # its release gate wraps every other plugin's actions
    installed = {entry.name for entry in importlib.metadata.entry_points(group="ckan.plugins")}
    assert set(plugins) <= installed, set(plugins) - installed

    declaration = Declaration()
    declaration.load_core_declaration()
    for plugin in plugins:
        declaration.load_plugin(plugin)
    undeclared_by_scheming = {"scheming.dataset_schemas", "scheming.presets"}  # ckanext-scheming 3.1 declares none
    unknown = [key for key in settings if key not in declaration and key not in undeclared_by_scheming]
    assert unknown == [], f"not declared by CKAN 2.12 or the plugins: {unknown}"

    closed = {
        "ckan.auth.user_create_organizations": "false",
        "ckan.auth.user_create_groups": "false",
        "ckan.auth.create_unowned_dataset": "false",
        "ckan.auth.create_dataset_if_not_in_organization": "false",
        "ckan.auth.anon_create_dataset": "false",
        "ckan.auth.allow_dataset_collaborators": "false",
        "ckan.auth.allow_admin_collaborators": "false",
        "ckan.auth.allow_collaborators_to_change_owner_org": "false",
        "ckan.auth.reveal_private_datasets": "false",
        "ckan.auth.public_activity_stream_detail": "false",
        "ckan.datastore.sqlsearch.enabled": "false",
        "ckanext.governance.schema_url.allow_private": "false",
    }
    assert {key: settings.get(key) for key in closed} == closed
    # CKAN's own default opens two of them: the settings are needed, not decoration
    for key in ("ckan.auth.user_create_organizations", "ckan.auth.create_dataset_if_not_in_organization"):
        assert declaration.get(key).default in (True, "true"), key


def test_image_reads_schemas_from_its_own_folder():
    """scheming cannot find ../../schemas inside an installed package: the image uses absolute paths."""
    settings = _production_ini()
    assert settings["scheming.dataset_schemas"] == "file://%(here)s/schemas/dataset.yaml"
    assert settings["licenses_group_url"] == "file://%(here)s/schemas/licenses.json"
    assert settings["ckanext.governance.schema_registry"] == "%(here)s/schemas/table"
    assert "COPY --from=build /src/schemas /srv/app/schemas" in DOCKERFILE
    assert (ROOT / "schemas/dataset.yaml").is_file() and (ROOT / "schemas/licenses.json").is_file()
