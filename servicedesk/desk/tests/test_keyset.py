import pytest

from servicedesk.desk.keyset import PageError, parse_sort


def test_sort_parameters():
    sort = parse_sort("")
    assert (sort.key, sort.descending, sort.column) == ("updated", True, "updated_at")
    assert parse_sort("priority").column == "priority"
    assert parse_sort("-number").param == "-number"
    with pytest.raises(PageError, match="Cannot sort by 'title'"):
        parse_sort("title")


def test_column_headers_flip_their_own_direction():
    sort = parse_sort("-updated")
    assert sort.toggled("updated") == "updated"
    assert parse_sort("updated").toggled("updated") == "-updated"
    assert sort.toggled("priority") == "priority"
    assert sort.toggled("created") == "-created"
