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
