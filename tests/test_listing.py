"""Tag and format listings show what released datasets use, all of it, and nothing that only
unreleased datasets use (the leak tests check the second half on every channel; these check
that the filter keeps what it must keep, in each of its ways through the listings)."""
import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture
def listed(world):
    world.release("listing-public", tag_string="oeffentlich,gemeinsam", csv=None, resources=[
        {"name": "link", "url": "https://example.org/a.geojson", "format": "GeoJSON"}])
    world.new_dataset("listing-hidden", tag_string="verborgen,gemeinsam", csv=None, resources=[
        {"name": "link", "url": "https://example.org/a.hdn", "format": "Verborgenformat"}])
    return world.as_user(None).action


def test_tag_listings_keep_public_tags_and_drop_hidden_ones(listed):
    assert sorted(listed.tag_list()) == ["gemeinsam", "oeffentlich"]
    assert sorted(t["name"] for t in listed.tag_list(all_fields=True)) == \
        ["gemeinsam", "oeffentlich"]
    assert sorted(listed.tag_list(query="e")) == ["gemeinsam", "oeffentlich"]
    found = listed.tag_search(query="e")
    assert found["count"] == 2
    assert sorted(t["name"] for t in found["results"]) == ["gemeinsam", "oeffentlich"]
    assert sorted(listed.tag_autocomplete(q="e")) == ["gemeinsam", "oeffentlich"]
    assert listed.tag_autocomplete(q="verb") == []


def test_format_autocomplete_keeps_public_formats_and_drops_hidden_ones(listed):
    assert listed.format_autocomplete(q="geo") == ["geojson"]
    assert listed.format_autocomplete(q="verborgen") == []


def test_tag_autocomplete_suggests_public_tags_up_to_its_limit(world, listed):
    # Core applies the limit before the hidden tags are taken out; the limit counts public
    # tags only, suggested by name.
    world.new_dataset("listing-more-hidden", tag_string="aaa-verborgen-e,abc-verborgen-e",
                      csv=None)
    assert listed.tag_autocomplete(q="E", limit=1) == ["gemeinsam"]
    assert listed.tag_autocomplete(q="e", limit=1, offset=1) == ["oeffentlich"]
    assert listed.tag_autocomplete(q="e", limit="2") == ["gemeinsam", "oeffentlich"]
    assert listed.tag_autocomplete(q="%") == [] and listed.tag_autocomplete(q="_") == []


@pytest.mark.parametrize("limit", [-1, "zehn"])
def test_tag_autocomplete_refuses_a_limit_that_is_no_natural_number(listed, limit):
    import ckan.plugins.toolkit as tk
    with pytest.raises(tk.ValidationError) as refused:
        listed.tag_autocomplete(q="e", limit=limit)
    assert "limit" in refused.value.error_dict


def test_format_autocomplete_suggests_public_formats_up_to_its_limit(world, listed):
    # A format of unreleased datasets used more often than the public one: core's limit of
    # one would pick it, and nothing would be left to suggest.
    world.new_dataset("listing-geo-hidden", csv=None, resources=[
        {"name": f"link {n}", "url": f"https://example.org/{n}.geo", "format": "GeoHidden"}
        for n in range(3)])
    assert listed.format_autocomplete(q="geo", limit=1) == ["geojson"]
    assert listed.format_autocomplete(q="GEO") == ["geojson"]
    assert listed.format_autocomplete(q="geo", limit=0) == []
    with pytest.raises(Exception):
        listed.format_autocomplete(q="geo", limit=-1)
