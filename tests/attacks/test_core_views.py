"""Core and plugin pages outside ``/dataset/...`` that take a resource id (the oracle test of
test_existence.py walks the URL rules under ``/dataset`` only): for an outsider, the
unreleased dataset's DataStore table answers exactly like a missing one."""
import re

import pytest

from test_existence import OUTSIDERS, Hidden, _differences, _outsider, _page_answer

pytestmark = pytest.mark.usefixtures("with_plugins")

PAGES = [
    "/datastore/dump/{R}", "/datastore/dump/{R}?format=json", "/datastore/dump/{R}?format=xml",
    "/datastore/api_info/{R}",
    "/feeds/tag/{T}.atom", "/feeds/custom.atom?q=name:{N}",
    "/api/util/dataset/autocomplete?incomplete={N}",
]


def _without_feed_times(answer):
    status, body = answer
    if isinstance(body, str):
        body = re.sub(r"<updated>[^<]*</updated>", "<updated/>", body)
    return status, body


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_core_pages_answer_an_unreleased_table_like_a_missing_one(app, world, viewer):
    hidden = Hidden(world)
    _user, headers = _outsider(world, viewer)
    calls = []
    for page in PAGES:
        answers = [_without_feed_times(_page_answer(
            app, hidden.fill({"url": page}, values)["url"], "GET", headers, hidden, values))
            for values in (hidden.real, hidden.fake)]
        calls.append((page, answers))
    differences = _differences(calls)
    assert not differences, "\n".join(differences)


def test_the_organizations_member_still_dumps_the_table(app, world):
    """The pages above are not simply closed: an insider gets the data."""
    hidden = Hidden(world)
    from ckan.tests import factories
    headers = {"Authorization": factories.APIToken(user=world.publisher["id"])["token"]}
    dumped = app.get(f"/datastore/dump/{hidden.real['R']}", headers=headers)
    assert dumped.status_code == 200
    assert dumped.get_data(as_text=True).splitlines() == ["_id,a", "1,b"]
