"""The requests recorded from tests/fastapi_unions/app.py (see record.py)."""
import json

JSON = {"content-type": "application/json"}
CASES = []


def j(obj):
    return json.dumps(obj, separators=(",", ":"))


def case(name, method, path, headers=None, body=None):
    CASES.append({"name": name, "method": method, "path": path, "headers": headers or {}, "body": body})


def send(method, name, path, obj=None, raw=None):
    body = raw if raw is not None else (None if obj is None else j(obj))
    case(name, method, path, dict(JSON) if body is not None else {}, body)


def post(name, path, obj=None, raw=None):
    send("POST", name, path, obj, raw)


def put(name, path, obj=None, raw=None):
    send("PUT", name, path, obj, raw)


def get(name, path):
    case(name, "GET", path)


# generic Page[Item]
post("page_ok", "/pages", {"items": [{"name": "a", "price": 1}, {"name": "b", "price": "2.5"}], "total": 2})
post("page_empty", "/pages", {"items": [], "total": 0})
post("page_bad_item", "/pages", {"items": [{"name": "a"}, {"price": "x", "name": 3}], "total": "two"})
post("page_not_object", "/pages", [1, 2])
post("page_missing", "/pages", {})
get("page_read", "/pages/2")
get("page_read_empty", "/pages/0")

# tagged union, inside a model
post("owner_cat", "/owners", {"pet": {"pet_type": "cat", "meows": 3}, "n": 1})
post("owner_dog", "/owners", {"pet": {"pet_type": "dog", "barks": 2.5, "extra": 1}, "n": 2})
post("owner_dog_lax", "/owners", {"pet": {"pet_type": "dog", "barks": "2"}, "n": "3"})
post("owner_missing_tag", "/owners", {"pet": {"meows": 3}, "n": 1})
post("owner_bad_tag", "/owners", {"pet": {"pet_type": "fish", "meows": 3}, "n": 1})
post("owner_tag_not_string", "/owners", {"pet": {"pet_type": 5}, "n": 1})
post("owner_tag_null", "/owners", {"pet": {"pet_type": None}, "n": 1})
post("owner_not_object", "/owners", {"pet": "cat", "n": 1})
post("owner_pet_list", "/owners", {"pet": [1], "n": 1})
post("owner_pet_null", "/owners", {"pet": None, "n": "x"})
post("owner_inside_variant", "/owners", {"pet": {"pet_type": "cat", "meows": "many"}, "n": "x"})
post("owner_inside_variant_missing", "/owners", {"pet": {"pet_type": "dog"}})
post("owner_missing_pet", "/owners", {"n": 1})

# tagged unions in an Optional and a list
post("household_empty", "/households", {})
post("household_ok", "/households", {"favourite": {"pet_type": "cat", "meows": 1}, "pets": [{"pet_type": "dog", "barks": 1}, {"pet_type": "cat", "meows": 2}]})
post("household_null", "/households", {"favourite": None})
post("household_bad", "/households", {"favourite": {"pet_type": "cow"}, "pets": [{"pet_type": "dog"}, {}, 3]})

# tagged union as the whole body
post("pet_cat", "/pets", {"pet_type": "cat", "meows": 1})
post("pet_dog", "/pets", {"pet_type": "dog", "barks": 1})
post("pet_bad_tag", "/pets", {"pet_type": "cow"})
post("pet_missing_tag", "/pets", {"barks": 1})
post("pet_not_object", "/pets", [1])
post("pet_string", "/pets", raw='"cat"')
post("pet_inside_variant", "/pets", {"pet_type": "dog", "barks": "loud"})
post("pet_no_body", "/pets")

# untagged union (smart mode)
post("vehicle_plane", "/vehicles", {"description": "jet", "size": 5})
post("vehicle_car", "/vehicles", {"description": "mini"})
post("vehicle_car_typed", "/vehicles", {"description": "mini", "type": "car"})
post("vehicle_plane_lax", "/vehicles", {"description": "jet", "size": "5"})
post("vehicle_both_fail", "/vehicles", {"size": "big"})
post("vehicle_not_object", "/vehicles", [1])
post("vehicle_null", "/vehicles", raw="null")
post("vehicle_string", "/vehicles", raw='"jet"')
post("value_int", "/values", {"x": 5})
post("value_str_exact", "/values", {"x": "5"})
post("value_str", "/values", {"x": "five"})
post("value_float", "/values", {"x": 5.0})
post("value_bool", "/values", {"x": True})
post("value_fail", "/values", {"x": [1]})
post("value_empty", "/values", {})

post("number_int", "/numbers", {"x": 1})
post("number_float_integral", "/numbers", {"x": 1.0})
post("number_float", "/numbers", {"x": 1.5})
post("number_string", "/numbers", {"x": "2"})
post("number_string_float", "/numbers", {"x": "2.5"})
post("paged_page", "/paged", {"items": [{"name": "a", "price": 1}], "total": 1})
post("paged_number", "/paged", {"x": 1})
post("paged_fail", "/paged", {"items": [{"name": "a"}]})

# Extra Models
get("extra3_car", "/extra3/items/item1")
get("extra3_plane", "/extra3/items/item2")
get("extra4_list", "/extra4/items/")

# Body - Nested Models
ITEM = {"name": "Foo", "description": "A very nice Item", "price": 35.4, "tax": 3.2}
put("nested1_ok", "/nested1/items/5", dict(ITEM, tags=["rock", 1, None, {"a": [2.5]}]))
put("nested1_bad", "/nested1/items/5", dict(ITEM, tags={"a": 1}))
put("nested2_ok", "/nested2/items/5", dict(ITEM, tags=["rock", "metal", "bar"]))
put("nested2_default", "/nested2/items/5", ITEM)
put("nested2_bad_tags", "/nested2/items/5", dict(ITEM, tags="rock"))
put("nested2_bad_tag_item", "/nested2/items/5", dict(ITEM, tags=["rock", 3]))
put("nested3_ok", "/nested3/items/5", dict(ITEM, tags=["rock", "rock"]))
put("nested3_bad", "/nested3/items/5", dict(ITEM, tags=[1]))
IMAGE = {"url": "http://example.com/baz.jpg", "name": "The Foo live"}
put("nested4_ok", "/nested4/items/5", dict(ITEM, tags=["rock"], image=IMAGE))
put("nested4_bad_image", "/nested4/items/5", dict(ITEM, image={"url": "x"}))
put("nested4_image_not_object", "/nested4/items/5", dict(ITEM, image="x"))
put("nested6_ok", "/nested6/items/5", dict(ITEM, images=[IMAGE, {"url": "http://example.com/dave.jpg", "name": "The Baz"}]))
put("nested6_bad", "/nested6/items/5", dict(ITEM, images=[IMAGE, {"name": 1}]))
OFFER = {"name": "Offer", "price": 10, "items": [dict(ITEM, images=[IMAGE])]}
post("nested7_ok", "/nested7/offers/", OFFER)
post("nested7_deep_error", "/nested7/offers/", {"name": "Offer", "price": 10, "items": [dict(ITEM, images=[{"url": 1}])]})
post("nested8_ok", "/nested8/images/multiple/", [IMAGE, IMAGE])
post("nested8_bad", "/nested8/images/multiple/", [IMAGE, {"url": "x"}])
post("nested8_not_list", "/nested8/images/multiple/", IMAGE)
post("nested9_ok", "/nested9/index-weights/", {"1": 0.5, "2": 1})
post("nested9_bad_key", "/nested9/index-weights/", {"foo": 0.5, "2": "x"})
