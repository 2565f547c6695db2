"""Request cases for the FastAPI twin recording.

Each case: {"name", "method", "path" (already percent-encoded, incl. query string),
"headers" (dict, sent exactly), "body" (str | bytes | None)}.
JSON bodies are serialised with json.dumps(..., separators=(",", ":"), ensure_ascii=False).
"""
import json

JSON = {"content-type": "application/json"}


def j(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def with_(base, **kw):
    d = dict(base)
    d.update(kw)
    return d


def without(base, *keys):
    return {k: v for k, v in base.items() if k not in keys}


USER = {"name": "Jane", "email": "jane@example.com", "age": 30, "password": "secret123"}
ADDR = {"street": "1 Main St", "city": "Springfield", "country": "US", "zip_code": "12345"}
ORDER = {"items": [{"product_id": 1, "quantity": 2}], "shipping_address": ADDR}
PRODUCT = {"name": "widget", "price": 9.99}

CASES = []


def case(name, method, path, headers=None, body=None):
    CASES.append({"name": name, "method": method, "path": path,
                  "headers": dict(headers or {}), "body": body})


def get(name, path, headers=None):
    case(name, "GET", path, headers)


def post_json(name, path, obj=None, raw=None, headers=JSON, method="POST"):
    body = raw if raw is not None else j(obj)
    case(name, method, path, headers, body)


# ---------------------------------------------------------------- routing / root
get("root_ok", "/")
case("root_head", "HEAD", "/")
case("root_delete_405", "DELETE", "/")
case("root_post_405", "POST", "/", JSON, "{}")
case("users_get_405", "GET", "/users")
get("not_found_404", "/nope")
get("items_trailing_slash_no_id", "/items/")
get("items_trailing_slash_redirect", "/items/1/")
case("options_root_405", "OPTIONS", "/")

# ---------------------------------------------------------------- /items/{item_id}
get("items_ok", "/items/42")
get("items_ok_with_q", "/items/42?q=hello")
get("items_ok_q_empty", "/items/42?q=")
get("items_ok_q_encoded", "/items/5?q=hello%20world%26more")
get("items_negative_ok", "/items/-3")
get("items_leading_zeros_ok", "/items/007")
get("items_path_abc", "/items/abc")
get("items_path_float", "/items/1.5")
get("items_path_float_whole", "/items/2.0")
get("items_path_plus_sign", "/items/+1")
get("items_path_leading_space", "/items/%201")
get("items_path_underscore", "/items/1_0")
get("items_path_big_int", "/items/99999999999999999999")
get("items_path_exp", "/items/1e3")

# ---------------------------------------------------------------- /search/{item_id}
get("search_defaults", "/search/1")
get("search_all_valid",
    "/search/5?skip=2&limit=50&search=foo&code=ABC&ratio=2.5&step=15&flag=true"
    "&color=green&tags=a&tags=b&ids=1&ids=2")
get("search_header_api_key", "/search/1", {"x-api-key": "k123"})
get("search_header_api_key_mixed_case", "/search/1", {"X-API-KEY": "K"})
get("search_header_underscore_not_matched", "/search/1", {"x_api_key": "under"})
get("search_flag_yes", "/search/1?flag=yes")
get("search_flag_on", "/search/1?flag=on")
get("search_flag_1", "/search/1?flag=1")
get("search_flag_off", "/search/1?flag=off")
get("search_flag_True_caps", "/search/1?flag=True")
get("search_ratio_int", "/search/1?ratio=10")
get("search_limit_negative_ok", "/search/1?limit=-5")
get("search_repeated_scalar_skip", "/search/1?skip=1&skip=2")
get("search_unknown_query_ignored", "/search/1?foo=bar")
get("search_tags_encoded", "/search/1?tags=a%20b&tags=%C3%BC")
get("search_skip_float_whole", "/search/1?skip=1.0")
get("search_ratio_exp", "/search/1?ratio=1e1")
get("search_limit_101", "/search/1?limit=101")
get("search_skip_negative", "/search/1?skip=-1")
get("search_skip_abc", "/search/1?skip=abc")
get("search_limit_empty", "/search/1?limit=")
get("search_search_empty", "/search/1?search=")
get("search_search_too_long", "/search/1?search=abcdefghijklmnop")
get("search_code_lowercase", "/search/1?code=abc")
get("search_code_too_long", "/search/1?code=ABCD")
get("search_ratio_zero", "/search/1?ratio=0")
get("search_ratio_abc", "/search/1?ratio=abc")
get("search_ratio_11", "/search/1?ratio=11")
get("search_ratio_inf", "/search/1?ratio=inf")
get("search_ratio_nan", "/search/1?ratio=nan")
get("search_step_7", "/search/1?step=7")
get("search_step_float", "/search/1?step=7.5")
get("search_flag_maybe", "/search/1?flag=maybe")
get("search_flag_2", "/search/1?flag=2")
get("search_color_purple", "/search/1?color=purple")
get("search_color_uppercase", "/search/1?color=RED")
get("search_ids_invalid_second", "/search/1?ids=1&ids=x")
get("search_flag_empty", "/search/1?flag=")
get("search_color_empty", "/search/1?color=")
get("search_ids_empty", "/search/1?ids=")
get("search_path_zero", "/search/0")
get("search_path_abc", "/search/abc")
get("search_multiple_query_errors",
    "/search/0?skip=-1&limit=101&search=&code=abc&ratio=0&step=7&flag=maybe&color=purple&ids=x")

# ---------------------------------------------------------------- /required
REQ_H = {"x-token": "tok", "cookie": "session_id=sess1"}
get("required_ok", "/required?n=3", REQ_H)
get("required_ok_with_hint", "/required?n=3", with_(REQ_H, **{"X-Hint": "hinted"}))
get("required_hint_by_param_name_ignored", "/required?n=3", with_(REQ_H, **{"user-agent-hint": "nope"}))
get("required_missing_header", "/required?n=3", {"cookie": "session_id=sess1"})
get("required_missing_cookie", "/required?n=3", {"x-token": "tok"})
get("required_missing_query", "/required", REQ_H)
get("required_missing_all", "/required")
get("required_bad_query_and_missing_header_cookie", "/required?n=abc")
get("required_cookie_other_name", "/required?n=1", {"x-token": "tok", "cookie": "other=1"})
get("required_empty_header_value", "/required?n=1", {"x-token": "", "cookie": "session_id=s"})

# ---------------------------------------------------------------- /users
post_json("users_ok", "/users", USER)
post_json("users_ok_with_bio", "/users", with_(USER, bio="hello"))
post_json("users_extra_field_ignored", "/users", with_(USER, admin=True, id=99))
post_json("users_age_string_coerced", "/users", with_(USER, age="42"))
post_json("users_age_float_whole_coerced", "/users", with_(USER, age=33.0))
post_json("users_age_true_coerced", "/users", with_(USER, age=True))
post_json("users_age_string_float_whole", "/users", with_(USER, age="7.0"))
post_json("users_email_whitespace_case", "/users", with_(USER, email=" Jane@EXAMPLE.com "))
post_json("users_email_idn", "/users", with_(USER, email="jane@bücher.de"))
post_json("users_email_trailing_dot", "/users", with_(USER, email="jane@example.com."))
post_json("users_email_x", "/users", with_(USER, email="x"))
post_json("users_email_no_tld", "/users", with_(USER, email="a@b"))
post_json("users_email_no_local", "/users", with_(USER, email="@example.com"))
post_json("users_email_double_dot_domain", "/users", with_(USER, email="a@example..com"))
post_json("users_email_space_in_local", "/users", with_(USER, email="a b@example.com"))
post_json("users_email_long_local", "/users", with_(USER, email="a" * 65 + "@example.com"))
post_json("users_email_local_100", "/users", with_(USER, email="b" * 100 + "@example.com"))
post_json("users_email_total_too_long", "/users", with_(USER, email="a" * 250 + "@example.com"))
post_json("users_email_over_2048", "/users", with_(USER, email="c" * 2040 + "@example.com"))
post_json("users_email_pretty_name", "/users", with_(USER, email="Jane Doe <Jane@Example.COM>"))
post_json("users_email_null", "/users", with_(USER, email=None))
post_json("users_email_int", "/users", with_(USER, email=5))
post_json("users_empty_object", "/users", {})
post_json("users_missing_password", "/users", without(USER, "password"))
post_json("users_name_empty", "/users", with_(USER, name=""))
post_json("users_name_too_long", "/users", with_(USER, name="x" * 101))
post_json("users_name_int", "/users", with_(USER, name=123))
post_json("users_name_null", "/users", with_(USER, name=None))
post_json("users_name_list", "/users", with_(USER, name=["a"]))
post_json("users_password_short", "/users", with_(USER, password="short"))
post_json("users_password_too_long", "/users", with_(USER, password="p" * 129))
post_json("users_age_float_fraction", "/users", with_(USER, age=30.5))
post_json("users_age_string_fraction", "/users", with_(USER, age="2.5"))
post_json("users_age_string_exp", "/users", with_(USER, age="1e1"))
post_json("users_age_string_abc", "/users", with_(USER, age="abc"))
post_json("users_age_null", "/users", with_(USER, age=None))
post_json("users_age_object", "/users", with_(USER, age={}))
post_json("users_age_negative", "/users", with_(USER, age=-1))
post_json("users_age_151", "/users", with_(USER, age=151))
post_json("users_age_i64_overflow", "/users", raw=j(USER).replace('"age":30', '"age":9223372036854775808'))
post_json("users_age_1e999", "/users", raw=j(USER).replace('"age":30', '"age":1e999'))
post_json("users_age_1e20_float", "/users", raw=j(USER).replace('"age":30', '"age":1e20'))
post_json("users_age_string_big", "/users", with_(USER, age="99999999999999999999"))
post_json("users_bio_int", "/users", with_(USER, bio=1))
post_json("users_all_fields_invalid", "/users",
          {"name": "", "email": "x", "age": -1, "bio": 5, "password": "short"})
post_json("users_body_list", "/users", [USER])
post_json("users_body_empty_list", "/users", raw="[]")
post_json("users_body_string", "/users", raw='"str"')
post_json("users_body_null", "/users", raw="null")
post_json("users_body_true", "/users", raw="true")
post_json("users_body_number", "/users", raw="42")
post_json("users_duplicate_keys_last_wins", "/users",
          raw='{"name":"a","name":"bb","email":"jane@example.com","age":30,"password":"secret123"}')
# malformed JSON
post_json("json_truncated", "/users", raw='{"name": ')
post_json("json_trailing_comma", "/users", raw='{"a":1,}')
post_json("json_single_quotes", "/users", raw="{'a':1}")
post_json("json_missing_colon", "/users", raw='{"a" 1}')
post_json("json_missing_comma", "/users", raw='{"a":1 "b":2}')
post_json("json_unclosed_array", "/users", raw="[1,2")
post_json("json_bare_word", "/users", raw="nope")
post_json("json_empty_body", "/users", raw="")
post_json("json_whitespace_body", "/users", raw="  \n ")
post_json("json_non_utf8", "/users", raw=b"\xff\xfe")
post_json("json_trailing_garbage", "/users", raw=j(USER) + "x")
case("users_no_body_no_content_type", "POST", "/users")
# content types
post_json("ct_missing_valid_json", "/users", USER, headers={})
post_json("ct_text_plain", "/users", USER, headers={"content-type": "text/plain"})
post_json("ct_form_urlencoded", "/users", raw="name=Jane&age=30",
          headers={"content-type": "application/x-www-form-urlencoded"})
post_json("ct_vnd_api_json", "/users", USER, headers={"content-type": "application/vnd.api+json"})
post_json("ct_json_charset", "/users", USER, headers={"content-type": "application/json; charset=utf-8"})
post_json("ct_json_uppercase", "/users", USER, headers={"content-type": "APPLICATION/JSON"})
post_json("ct_missing_malformed_json", "/users", raw="{bad", headers={})

# ---------------------------------------------------------------- /orders
post_json("orders_ok", "/orders", ORDER)
post_json("orders_ok_multi_items_notes", "/orders",
          with_(ORDER, items=[{"product_id": 1, "quantity": 2}, {"product_id": "3", "quantity": 4.0}],
                notes="leave at door"))
post_json("orders_empty_object", "/orders", {})
post_json("orders_items_empty", "/orders", with_(ORDER, items=[]))
post_json("orders_items_not_list", "/orders", with_(ORDER, items="x"))
post_json("orders_items_object_not_list", "/orders", with_(ORDER, items={"product_id": 1, "quantity": 1}))
post_json("orders_item_not_object", "/orders", with_(ORDER, items=[1]))
post_json("orders_item_is_array", "/orders", with_(ORDER, items=[[1, 2]]))
post_json("orders_item_quantity_zero", "/orders", with_(ORDER, items=[{"product_id": 1, "quantity": 0}]))
post_json("orders_item_product_id_zero", "/orders", with_(ORDER, items=[{"product_id": 0, "quantity": 1}]))
post_json("orders_item_missing_fields", "/orders", with_(ORDER, items=[{}]))
post_json("orders_second_item_invalid", "/orders",
          with_(ORDER, items=[{"product_id": 1, "quantity": 1}, {"product_id": "x", "quantity": -1}]))
post_json("orders_items_empty_and_address_missing", "/orders", {"items": []})
post_json("orders_items_empty_and_notes_invalid", "/orders", with_(ORDER, items=[], notes=1.5))
post_json("orders_item_quantity_fraction", "/orders", with_(ORDER, items=[{"product_id": 1, "quantity": 1.5}]))
post_json("orders_item_product_id_fraction", "/orders", with_(ORDER, items=[{"product_id": 2.5, "quantity": 1}]))
post_json("orders_item_product_id_null", "/orders", with_(ORDER, items=[{"product_id": None, "quantity": 1}]))
post_json("orders_item_quantity_list", "/orders", with_(ORDER, items=[{"product_id": 1, "quantity": [1]}]))
post_json("orders_item_product_id_1e19_float", "/orders", raw=j(ORDER).replace('"product_id":1', '"product_id":1e19'))
post_json("orders_address_missing_city", "/orders", with_(ORDER, shipping_address=without(ADDR, "city")))
post_json("orders_address_city_int", "/orders", with_(ORDER, shipping_address=with_(ADDR, city=5)))
post_json("orders_address_string", "/orders", with_(ORDER, shipping_address="x"))
post_json("orders_address_null", "/orders", with_(ORDER, shipping_address=None))
post_json("orders_address_list", "/orders", with_(ORDER, shipping_address=[ADDR]))
post_json("orders_notes_int", "/orders", with_(ORDER, notes=5))
post_json("orders_many_nested_errors", "/orders",
          {"items": [{"product_id": 0, "quantity": "a"}, {"quantity": 0}, "z"],
           "shipping_address": {"street": None, "zip_code": 12345}, "notes": []})

# ---------------------------------------------------------------- /products
post_json("products_ok_minimal", "/products", PRODUCT)
post_json("products_ok_full", "/products",
          {"name": "big widget", "price": 19.5, "quantity": 10, "weight": 2, "tags": ["a", "b", "c"],
           "color": "blue", "in_stock": False, "released": "2024-01-01T00:00:00Z", "rating": 4.5})
post_json("products_price_string_coerced", "/products", with_(PRODUCT, price="2.50"))
post_json("products_price_true_coerced", "/products", with_(PRODUCT, price=True))
post_json("products_price_int", "/products", with_(PRODUCT, price=5))
post_json("products_in_stock_string_true", "/products", with_(PRODUCT, in_stock="true"))
post_json("products_in_stock_string_yes", "/products", with_(PRODUCT, in_stock="yes"))
post_json("products_in_stock_int_1", "/products", with_(PRODUCT, in_stock=1))
post_json("products_in_stock_string_on", "/products", with_(PRODUCT, in_stock="on"))
post_json("products_in_stock_string_off", "/products", with_(PRODUCT, in_stock="off"))
post_json("products_quantity_zero", "/products", with_(PRODUCT, quantity=0))
post_json("products_quantity_negative_multiple", "/products", with_(PRODUCT, quantity=-10))
post_json("products_released_date_only", "/products", with_(PRODUCT, released="2024-01-01"))
post_json("products_released_offset", "/products", with_(PRODUCT, released="2024-06-15T12:30:45.123+02:00"))
post_json("products_released_naive", "/products", with_(PRODUCT, released="2024-06-15T12:30:45"))
post_json("products_released_unix_int", "/products", with_(PRODUCT, released=1700000000))
post_json("products_released_unix_float", "/products", with_(PRODUCT, released=1700000000.5))
post_json("products_released_unix_string", "/products", with_(PRODUCT, released="1700000000"))
post_json("products_released_space_separator", "/products", with_(PRODUCT, released="2024-01-01 00:00"))
post_json("products_released_digit_string_is_unix", "/products", with_(PRODUCT, released="20240101"))
post_json("products_released_unix_millis", "/products", with_(PRODUCT, released=99999999999999))
post_json("products_released_null", "/products", with_(PRODUCT, released=None))
post_json("products_rating_null", "/products", with_(PRODUCT, rating=None))
post_json("products_rating_int", "/products", with_(PRODUCT, rating=3))
post_json("products_duplicate_keys_last_wins", "/products", raw='{"name":"a","name":"bb","price":1}')
post_json("products_name_with_space_ok", "/products", with_(PRODUCT, name="a b"))
post_json("products_weight_boundaries_ok", "/products", with_(PRODUCT, weight=0.5, price=9999.99))
post_json("products_name_too_short", "/products", with_(PRODUCT, name="a"))
post_json("products_name_too_long", "/products", with_(PRODUCT, name="a" * 21))
post_json("products_name_pattern_uppercase", "/products", with_(PRODUCT, name="Widget"))
post_json("products_name_pattern_digit", "/products", with_(PRODUCT, name="widget2"))
post_json("products_name_short_and_bad_pattern", "/products", with_(PRODUCT, name="A"))
post_json("products_price_zero", "/products", with_(PRODUCT, price=0))
post_json("products_price_10000", "/products", with_(PRODUCT, price=10000))
post_json("products_price_string_abc", "/products", with_(PRODUCT, price="abc"))
post_json("products_price_null", "/products", with_(PRODUCT, price=None))
post_json("products_price_list", "/products", with_(PRODUCT, price=[1]))
post_json("products_price_20000", "/products", with_(PRODUCT, price=20000))
post_json("products_price_just_over", "/products", with_(PRODUCT, price=10000.0001))
post_json("products_price_string_1e999", "/products", with_(PRODUCT, price="1e999"))
post_json("products_rating_list", "/products", with_(PRODUCT, rating=[]))
post_json("products_weight_object", "/products", with_(PRODUCT, weight={}))
post_json("products_price_1e999", "/products", raw='{"name":"widget","price":1e999}')
post_json("products_price_nan", "/products", raw='{"name":"widget","price":NaN}')
post_json("products_price_infinity", "/products", raw='{"name":"widget","price":Infinity}')
post_json("products_price_neg_infinity", "/products", raw='{"name":"widget","price":-Infinity}')
post_json("products_rating_nan", "/products", raw='{"name":"widget","price":1,"rating":NaN}')
post_json("products_rating_1e999", "/products", raw='{"name":"widget","price":1,"rating":1e999}')
post_json("products_price_string_inf", "/products", with_(PRODUCT, price="inf"))
post_json("products_quantity_7", "/products", with_(PRODUCT, quantity=7))
post_json("products_quantity_float_fraction", "/products", with_(PRODUCT, quantity=7.5))
post_json("products_weight_too_low", "/products", with_(PRODUCT, weight=0.1))
post_json("products_weight_too_high", "/products", with_(PRODUCT, weight=100.5))
post_json("products_tags_too_many", "/products", with_(PRODUCT, tags=["a", "b", "c", "d"]))
post_json("products_tags_string", "/products", with_(PRODUCT, tags="abc"))
post_json("products_tags_int_element", "/products", with_(PRODUCT, tags=["a", 1]))
post_json("products_tags_ten", "/products", with_(PRODUCT, tags=[str(i) for i in range(10)]))
post_json("products_tags_too_many_with_bad_element", "/products", with_(PRODUCT, tags=["a", 1, "c", "d"]))
post_json("products_tags_object", "/products", with_(PRODUCT, tags={"a": 1}))
post_json("products_color_purple", "/products", with_(PRODUCT, color="purple"))
post_json("products_color_uppercase", "/products", with_(PRODUCT, color="RED"))
post_json("products_color_int", "/products", with_(PRODUCT, color=1))
post_json("products_in_stock_2", "/products", with_(PRODUCT, in_stock=2))
post_json("products_in_stock_maybe", "/products", with_(PRODUCT, in_stock="maybe"))
post_json("products_in_stock_null", "/products", with_(PRODUCT, in_stock=None))
post_json("products_in_stock_float", "/products", with_(PRODUCT, in_stock=0.5))
post_json("products_in_stock_list", "/products", with_(PRODUCT, in_stock=[]))
post_json("products_released_not_a_date", "/products", with_(PRODUCT, released="not a date"))
post_json("products_released_month_13", "/products", with_(PRODUCT, released="2024-13-01T00:00:00"))
post_json("products_released_bool", "/products", with_(PRODUCT, released=True))
post_json("products_released_object", "/products", with_(PRODUCT, released={}))
post_json("products_released_list", "/products", with_(PRODUCT, released=[]))
post_json("products_released_float_string_bad", "/products", with_(PRODUCT, released="2024-01-01T25:00:00"))
post_json("products_released_unix_too_big", "/products", raw='{"name":"widget","price":1,"released":1e20}')
post_json("products_released_unix_too_small", "/products", raw='{"name":"widget","price":1,"released":-1e30}')
post_json("products_released_feb_30", "/products", with_(PRODUCT, released="2024-02-30"))
post_json("products_released_empty_string", "/products", with_(PRODUCT, released=""))
post_json("products_quantity_1e30", "/products", raw='{"name":"widget","price":1,"quantity":1e30}')
post_json("products_rating_string_abc", "/products", with_(PRODUCT, rating="abc"))
post_json("products_empty_object", "/products", {})
post_json("products_everything_invalid", "/products",
          {"name": "X", "price": 0, "quantity": 3, "weight": 200, "tags": ["a", "b", "c", "d"],
           "color": "purple", "in_stock": "maybe", "released": "nope", "rating": "bad"})

# ---------------------------------------------------------------- PUT /products/{product_id}
post_json("put_product_ok", "/products/7", PRODUCT, method="PUT")
post_json("put_product_dry_run_true", "/products/7?dry_run=true", PRODUCT, method="PUT")
post_json("put_product_dry_run_1", "/products/7?dry_run=1", PRODUCT, method="PUT")
post_json("put_product_path_abc", "/products/abc", PRODUCT, method="PUT")
post_json("put_product_dry_run_maybe", "/products/7?dry_run=maybe", PRODUCT, method="PUT")
post_json("put_product_path_query_body_errors", "/products/abc?dry_run=maybe",
          {"name": "a", "price": -1}, method="PUT")
post_json("put_product_path_error_and_malformed_json", "/products/abc", raw="{bad", method="PUT")
post_json("put_product_empty_body", "/products/7", raw="", method="PUT")
case("put_product_no_body", "PUT", "/products/7")
post_json("put_product_post_405", "/products/7", PRODUCT)
