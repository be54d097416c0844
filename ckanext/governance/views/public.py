"""Public outputs of a released dataset: ``/dataset/<id>/datapackage.json`` (a Frictionless
Data Package) and ``/dataset/<id>/review-record.json``. A dataset without a release in force
answers exactly like a missing one, for everybody."""
from __future__ import annotations

import json

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

public = Blueprint("governance_public", __name__, url_prefix="/dataset/<id>")


def _json(action: str, id: str) -> Response:
    try:
        # The public's view, whoever asks: the answer never depends on the session.
        body, status = tk.get_action(action)({"user": ""}, {"id": id}), 200
    except tk.ObjectNotFound:
        body, status = {"error": {"message": tk._("Dataset not found")}}, 404
    return Response(json.dumps(body, indent=2, ensure_ascii=False), status=status,
                    mimetype="application/json",
                    headers={"Access-Control-Allow-Origin": "*",
                             "X-Content-Type-Options": "nosniff"})


def datapackage(id: str) -> Response:
    return _json("governance_datapackage_show", id)


def review_record(id: str) -> Response:
    return _json("governance_review_record_show", id)


public.add_url_rule("/datapackage.json", view_func=datapackage)
public.add_url_rule("/review-record.json", view_func=review_record)
