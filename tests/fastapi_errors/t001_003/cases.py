"""Requests for t001_003/app.py."""


def case(name, path):
    return {"name": name, "method": "GET", "path": path, "headers": {}, "body": None}


CASES = [
    case("item_found", "/items/foo"),
    case("item_not_found", "/items/bar"),
    case("item_header_found", "/items-header/foo"),
    case("item_header_not_found", "/items-header/bar"),
    case("unicorn_ok", "/unicorns/shinny"),
    case("unicorn_yolo", "/unicorns/yolo"),
]
