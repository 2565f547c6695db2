"""The requests recorded from tests/fastapi_extract/app.py (see record.py)."""

MP = "multipart/form-data; boundary=X"


def part(name, value, filename=None):
    disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--X\r\nContent-Disposition: {disp}\r\n\r\n{value}\r\n"


def case(name, method, path, headers=None, body=None):
    return {"name": name, "method": method, "path": path, "headers": headers or {}, "body": body}


CASES = [
    case("lists_absent", "GET", "/lists"),
    case("lists_query", "GET", "/lists?q=a&q=b&q="),
    case("lists_one", "GET", "/lists?q=only"),
    case("lists_header", "GET", "/lists", {"x-token": "t1"}),
    case("lists_ints", "GET", "/lists?n=1&n=2"),
    case("lists_ints_bad", "GET", "/lists?n=1&n=x&n=3.5"),
    case("colors_ok", "GET", "/colors?color=red"),
    case("colors_both", "GET", "/colors?color=green&other=red"),
    case("colors_bad", "GET", "/colors?color=blue&other=x"),
    case("colors_missing", "GET", "/colors"),
    case("color_path_ok", "GET", "/colors/green"),
    case("color_path_bad", "GET", "/colors/purple"),
    case("widths_defaults", "GET", "/widths"),
    case("widths_given", "GET", "/widths?a=255&b=4294967295&c=-9000&d=2&e=65535"),
    case("widths_a_over", "GET", "/widths?a=256"),
    case("widths_a_negative", "GET", "/widths?a=-1"),
    case("widths_b_over", "GET", "/widths?b=4294967296"),
    case("widths_e_over", "GET", "/widths?e=65536"),
    case("widths_d_text", "GET", "/widths?d=x"),
    case("order_ok", "GET", "/order/3?q=1&skip=2", {"x-n": "4", "x-page": "5", "cookie": "c=6"}),
    case("order_all_bad", "GET", "/order/x?q=y&skip=z", {"x-n": "n", "x-page": "p", "cookie": "c=w"}),
    case("order_all_missing", "GET", "/order/x?skip=z"),
    case("body_first_both_bad", "POST", "/body_first?limit=x",
         {"content-type": "application/json"}, '{"name": 1, "price": "p"}'),
    case("body_first_missing", "POST", "/body_first"),
    case("upload_nothing", "POST", "/upload"),
    case("upload_empty_form", "POST", "/upload", {"content-type": MP}, "--X--\r\n"),
    case("upload_bad_count", "POST", "/upload", {"content-type": MP},
         part("count", "x") + part("file", "hello", "a.txt") + "--X--\r\n"),
    case("upload_too_many_fields", "POST", "/upload", {"content-type": MP},
         "".join(part(f"f{i}", "v") for i in range(1001)) + "--X--\r\n"),
    case("upload_too_many_files", "POST", "/upload", {"content-type": MP},
         "".join(part("file", "v", f"{i}.txt") for i in range(1001)) + "--X--\r\n"),
    case("upload_ok", "POST", "/upload", {"content-type": MP},
         part("note", "hi") + part("count", "2") + part("file", "hello", "a.txt") + "--X--\r\n"),
]
