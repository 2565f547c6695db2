"""Requests for app.py."""


def case(name, path, headers=None):
    return {"name": name, "method": "GET", "path": path, "headers": headers or {}, "body": None}


CASES = [
    case("items", "/items/"),
    case("items_q", "/items/?q=foo"),
    case("items_params", "/items/?q=foo&skip=100&limit=200"),
    case("users", "/users/"),
    case("users_q", "/users/?q=bar&limit=abc"),
    case("me_without_header", "/me"),
    case("me_with_header", "/me", {"x-token": "real"}),
    case("secure_without_credentials", "/secure"),
    case("secure_with_credentials", "/secure", {"authorization": "Bearer real"}),
    case("db_missing_sub_header", "/db"),
    case("db", "/db?n=3", {"x-suffix": "a"}),
    case("db_bad_param", "/db?n=x", {"x-suffix": "a"}),
]

# In order: the recorder's client keeps cookies between requests.
CASES += [
    case("whoami_before_login", "/whoami"),
    {**case("login", "/login"), "method": "POST"},
    case("whoami_after_login", "/whoami"),
    case("admin_whoami_sees_path_cookie", "/admin/whoami"),
    case("request_cookie_wins", "/whoami", {"cookie": "session=mine"}),
    {**case("logout", "/logout"), "method": "POST"},
    case("whoami_after_logout", "/whoami"),
    case("admin_whoami_after_logout", "/admin/whoami"),
]
