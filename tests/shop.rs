//! The shop example (`examples/shop`) against its contract,
//! `shared/example-api.md`: every route, status, body, header and error,
//! through `fastrs::TestClient`. Each check runs on SQLite (a temp file) and
//! on PostgreSQL (a unique schema at `postgres://postgres@127.0.0.1:5432/test`)
//! when one answers; set `FASTRS_REQUIRE_POSTGRES` to make its absence fail.
//! The race checks run 50 concurrent orders on a multi-threaded runtime.

#[path = "fastapi_shop/harness.rs"]
mod harness;

use std::sync::Arc;

use fastrs::body::RequestBody;
use fastrs::http::{Method, Request};
use fastrs::serde_json::{json, Value};
use fastrs::TestClient;
use harness::*;
use http_body_util::BodyExt;

/// Runs each check on SQLite, and on PostgreSQL when it answers.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::TestDb::sqlite()) } )*
        }
        mod postgres {
            $( #[test] fn $name() {
                if let Some(db) = super::TestDb::postgres() { super::$name(&db) }
            } )*
        }
    };
}

on_both_databases!(
    root_and_timing,
    register_and_read_users,
    email_normalisation_and_duplicates,
    user_validation_errors,
    users_pagination,
    login_and_token_errors,
    bearer_header_variants,
    items_crud_and_soft_delete,
    items_auth_before_validation,
    items_search_is_literal_and_case_insensitive,
    orders_happy_path,
    orders_line_checks_in_order,
    orders_cumulative_stock_and_rollback,
    orders_validation,
    orders_are_private,
    admin_stats,
    http_details,
    cors,
    lax_coercions_and_body_errors,
    login_does_the_same_work_for_unknown_emails,
    password_hashing_is_bounded,
    without_an_api_key_every_key_is_refused,
    without_a_secret_key_tokens_do_not_outlive_the_app,
);

fn auth(token: &str) -> String {
    bearer(token)
}

// ------------------------------------------------------------------- root

fn assert_timing(r: &fastrs::TestResponse) {
    let v = r
        .header("x-response-time")
        .unwrap_or_else(|| panic!("no x-response-time on {}", r.status()));
    let secs = v.strip_suffix('s').expect("ends with s");
    assert_eq!(secs.split('.').nth(1).map(str::len), Some(4), "{v}");
    secs.parse::<f64>().expect("seconds");
}

fn root_and_timing(db: &TestDb) {
    let c = db.client();
    let r = c.get("/").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json(), json!({"message": "Hello, World"}));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_timing(&r);
    assert_eq!(r.header("vary"), Some("Origin"));
}

// ------------------------------------------------------------------ users

fn register_and_read_users(db: &TestDb) {
    let c = db.client();
    let r = c
        .post("/users")
        .json(&json!({"name": "Jane", "email": "jane@example.com", "age": 30, "bio": "hi", "password": "password123"}))
        .send();
    assert_eq!(r.status(), 201, "{}", r.text());
    let body = r.json();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "name", "email", "age", "bio", "created_at"]);
    assert_eq!(body["id"], 1);
    assert_eq!(body["name"], "Jane");
    assert_eq!(body["email"], "jane@example.com");
    assert_eq!(body["age"], 30);
    assert_eq!(body["bio"], "hi");
    assert!(is_rfc3339(body["created_at"].as_str().unwrap()), "{body}");
    assert!(!r.text().contains("password"));

    // bio optional, null when absent
    let r = register(&c, "Bob", "bob@example.com");
    assert_eq!(r.json()["bio"], Value::Null);
    assert_eq!(r.json()["id"], 2);

    let r = c.get("/users/1").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json(), body);
    let r = c.get("/users/99999").send();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json(), json!({"detail": "User not found"}));
    let r = c.get("/users/abc").send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "int_parsing", "loc": ["path", "user_id"],
            "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "abc"}]})
    );

    // /users/me with a token
    let token = login(&c, "jane@example.com", "password123");
    let r = c
        .get("/users/me")
        .header("authorization", &auth(&token))
        .send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json(), body);
    let r = c.get("/users/me").send();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json(), json!({"detail": "Not authenticated"}));
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
}

fn email_normalisation_and_duplicates(db: &TestDb) {
    let c = db.client();
    let r = register(&c, "Jane", "  Jane.Doe@EXAMPLE.COM ");
    assert_eq!(r.status(), 201, "{}", r.text());
    assert_eq!(r.json()["email"], "Jane.Doe@example.com");
    // the same address, differently written: a duplicate
    for dup in [
        "Jane.Doe@example.com",
        "Jane.Doe@Example.Com",
        " Jane.Doe@example.com",
    ] {
        let r = register(&c, "Jane 2", dup);
        assert_eq!(r.status(), 409, "{dup}");
        assert_eq!(r.json(), json!({"detail": "Email already registered"}));
    }
    // the local part is kept: another address
    let r = register(&c, "Jane 3", "jane.doe@example.com");
    assert_eq!(r.status(), 201);
    // login by the normalised form, or as typed at registration
    login(&c, "Jane.Doe@example.com", "password123");
    login(&c, "Jane.Doe@EXAMPLE.COM", "password123");
    // international domains are accepted
    let r = register(&c, "Jo", "jo@bücher.example");
    assert_eq!(r.status(), 201, "{}", r.text());
    // listing shows the normalised forms
    let emails: Vec<Value> = c
        .get("/users")
        .send()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].clone())
        .collect();
    assert_eq!(emails[0], "Jane.Doe@example.com");
    assert_eq!(emails[1], "jane.doe@example.com");
}

fn user_validation_errors(db: &TestDb) {
    let c = db.client();
    let r = c
        .post("/users")
        .json(&json!({"name": "", "email": "x", "age": 200}))
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [
            {"type": "string_too_short", "loc": ["body", "name"], "msg": "String should have at least 1 character", "input": "", "ctx": {"min_length": 1}},
            {"type": "value_error", "loc": ["body", "email"], "msg": "value is not a valid email address: An email address must have an @-sign.", "input": "x", "ctx": {"reason": "An email address must have an @-sign."}},
            {"type": "less_than_equal", "loc": ["body", "age"], "msg": "Input should be less than or equal to 150", "input": 200, "ctx": {"le": 150}},
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": {"name": "", "email": "x", "age": 200}}
        ]})
    );
    let reason = |email: &str| {
        let r = c
            .post("/users")
            .json(&json!({"name": "A", "email": email, "age": 1, "password": "password123"}))
            .send();
        assert_eq!(r.status(), 422, "{email}");
        r.json()["detail"][0]["ctx"]["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        reason("a@b"),
        "The part after the @-sign is not valid. It should have a period."
    );
    assert_eq!(
        reason("@example.com"),
        "There must be something before the @-sign."
    );
    assert_eq!(
        reason("a@example..com"),
        "An email address cannot have two periods in a row."
    );
    // password length 8..=128, name at most 100
    let r = c
        .post("/users")
        .json(&json!({"name": "x".repeat(101), "email": "a@example.com", "age": -1, "password": "short"}))
        .send();
    let types: Vec<String> = r.json()["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        ["string_too_long", "greater_than_equal", "string_too_short"]
    );
    let r = c
        .post("/users")
        .json(
            &json!({"name": "A", "email": "a@example.com", "age": 1, "password": "p".repeat(129)}),
        )
        .send();
    assert_eq!(r.json()["detail"][0]["ctx"], json!({"max_length": 128}));
    // nothing was stored
    assert_eq!(c.get("/users").send().json(), json!([]));
}

fn users_pagination(db: &TestDb) {
    let c = db.client();
    for i in 0..5 {
        assert_eq!(
            register(&c, &format!("U{i}"), &format!("u{i}@example.com")).status(),
            201
        );
    }
    let ids = |q: &str| -> Vec<i64> {
        let r = c.get(&format!("/users{q}")).send();
        assert_eq!(r.status(), 200, "{q}: {}", r.text());
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(""), [1, 2, 3, 4, 5]);
    assert_eq!(ids("?skip=1&limit=2"), [2, 3]);
    assert_eq!(ids("?skip=10"), Vec::<i64>::new());
    assert_eq!(ids("?limit=100"), [1, 2, 3, 4, 5]);
    assert_eq!(ids("?limit=1&limit=2"), [1, 2]); // the last value wins
    let r = c.get("/users?limit=0").send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "greater_than_equal", "loc": ["query", "limit"], "msg": "Input should be greater than or equal to 1", "input": "0", "ctx": {"ge": 1}}]})
    );
    let r = c.get("/users?limit=101&skip=-1").send();
    assert_eq!(
        r.json(),
        json!({"detail": [
            {"type": "greater_than_equal", "loc": ["query", "skip"], "msg": "Input should be greater than or equal to 0", "input": "-1", "ctx": {"ge": 0}},
            {"type": "less_than_equal", "loc": ["query", "limit"], "msg": "Input should be less than or equal to 100", "input": "101", "ctx": {"le": 100}}]})
    );
    let r = c.get("/users?limit=").send();
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "int_parsing", "loc": ["query", "limit"], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": ""}]})
    );
    // lax query integers
    assert_eq!(ids("?limit=2.0"), [1, 2]);
    assert_eq!(ids("?limit=+1"), [1]);
    assert_eq!(ids("?limit=1_0&skip=%201"), [2, 3, 4, 5]);
    assert_eq!(
        c.get("/users?limit=2.5").send().json()["detail"][0]["type"],
        "int_parsing"
    );
}

// ------------------------------------------------------------------- auth

fn login_and_token_errors(db: &TestDb) {
    let c = db.client();
    register(&c, "Jane", "jane@example.com");
    let r = c
        .post("/auth/token")
        .form(&[
            ("username", "jane@example.com"),
            ("password", "password123"),
        ])
        .send();
    assert_eq!(r.status(), 200);
    let body = r.json();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body.as_object().unwrap().len(), 2);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");

    for (user, pw) in [
        ("jane@example.com", "wrong-password"),
        ("nobody@example.com", "password123"),
        ("not an email", "password123"),
    ] {
        let r = c
            .post("/auth/token")
            .form(&[("username", user), ("password", pw)])
            .send();
        assert_eq!(r.status(), 401, "{user}");
        assert_eq!(r.json(), json!({"detail": "Incorrect email or password"}));
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    }
    // missing and empty fields
    let r = c
        .post("/auth/token")
        .form(&[("username", "jane@example.com"), ("password", "")])
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": null}]})
    );
    let r = c.post("/auth/token").send();
    assert_eq!(r.json()["detail"].as_array().unwrap().len(), 2);
    // grant_type must be "password"; scope and client fields accepted
    let r = c
        .post("/auth/token")
        .form(&[
            ("grant_type", "client_credentials"),
            ("username", "jane@example.com"),
            ("password", "password123"),
        ])
        .send();
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "string_pattern_mismatch", "loc": ["body", "grant_type"], "msg": "String should match pattern '^password$'", "input": "client_credentials", "ctx": {"pattern": "^password$"}}]})
    );
    let r = c
        .post("/auth/token")
        .form(&[
            ("grant_type", "password"),
            ("username", "jane@example.com"),
            ("password", "password123"),
            ("scope", "me items"),
            ("client_id", "x"),
            ("client_secret", "y"),
        ])
        .send();
    assert_eq!(r.status(), 200);
    // multipart works too
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\njane@example.com\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npassword123\r\n--{boundary}--\r\n"
    );
    let r = c
        .post("/auth/token")
        .header(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send();
    assert_eq!(r.status(), 200, "{}", r.text());
}

fn bearer_header_variants(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    let me = |h: Option<&str>| {
        let mut r = c.get("/users/me");
        if let Some(h) = h {
            r = r.header("authorization", h);
        }
        let r = r.send();
        (
            r.status().as_u16(),
            r.json()["detail"].clone(),
            r.header("www-authenticate").map(str::to_owned),
        )
    };
    let not_auth = (401, json!("Not authenticated"), Some("Bearer".to_owned()));
    let invalid = (
        401,
        json!("Could not validate credentials"),
        Some("Bearer".to_owned()),
    );
    assert_eq!(me(None), not_auth);
    assert_eq!(me(Some(&format!("Basic {token}"))), not_auth);
    assert_eq!(me(Some(&token)), not_auth);
    assert_eq!(me(Some("Bearer")), invalid);
    assert_eq!(me(Some("Bearer garbage")), invalid);
    assert_eq!(me(Some(&format!("Bearer {token}x"))), invalid);
    assert_eq!(me(Some(&format!("bearer {token}"))).0, 200);
    assert_eq!(me(Some(&format!("BEARER {token}"))).0, 200);
    // signed with another key
    let other = shop::security::Security::new(
        "another key",
        std::time::Duration::from_secs(60),
        Default::default(),
    );
    assert_eq!(me(Some(&bearer(&other.create_token(1).unwrap()))), invalid);
    // expired, with our key
    let ours = shop::security::Security::new(
        TEST_SECRET_KEY,
        std::time::Duration::from_secs(60),
        Default::default(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expired = ours
        .sign(&shop::security::Claims {
            sub: "1".into(),
            iat: now - 3600,
            exp: now - 1,
        })
        .unwrap();
    assert_eq!(me(Some(&bearer(&expired))), invalid);
    let fresh = ours
        .sign(&shop::security::Claims {
            sub: "1".into(),
            iat: now,
            exp: now + 1800,
        })
        .unwrap();
    assert_eq!(me(Some(&bearer(&fresh))).0, 200);
    // a valid token for a user that does not exist
    let ghost = ours
        .sign(&shop::security::Claims {
            sub: "999".into(),
            iat: now,
            exp: now + 1800,
        })
        .unwrap();
    assert_eq!(me(Some(&bearer(&ghost))), invalid);
    // the token lives 30 minutes
    let claims: Vec<&str> = token.split('.').collect();
    let payload = String::from_utf8(base64_url(claims[1])).unwrap();
    let payload: Value = fastrs::serde_json::from_str(&payload).unwrap();
    assert_eq!(
        payload["exp"].as_u64().unwrap() - payload["iat"].as_u64().unwrap(),
        1800
    );
}

/// Decodes unpadded base64url.
fn base64_url(s: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

// ------------------------------------------------------------------ items

fn items_crud_and_soft_delete(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    let r = c
        .post("/items")
        .header("authorization", &auth(&token))
        .json(&json!({"name": "Widget", "price": 9.99}))
        .send();
    assert_eq!(r.status(), 201);
    assert_eq!(
        r.json(),
        json!({"id": 1, "name": "Widget", "description": null, "price": 9.99, "stock": 0, "is_active": true})
    );
    let r = c
        .post("/items")
        .header("authorization", &auth(&token))
        .json(&json!({"name": "Gadget", "description": "A gadget", "price": 5, "stock": 3}))
        .send();
    assert_eq!(
        r.json(),
        json!({"id": 2, "name": "Gadget", "description": "A gadget", "price": 5.0, "stock": 3, "is_active": true})
    );
    create_item(&c, &token, "Gizmo", 1.5, 1);
    assert_eq!(c.get("/items/2").send().json()["name"], "Gadget");

    // delete: 204 without body or content type, then 410; again 204
    let r = c
        .delete("/items/2")
        .header("authorization", &auth(&token))
        .send();
    assert_eq!(r.status(), 204);
    assert!(r.bytes().is_empty());
    assert_eq!(r.header("content-type"), None);
    let r = c.get("/items/2").send();
    assert_eq!(r.status(), 410);
    assert_eq!(r.json(), json!({"detail": "Item has been removed"}));
    assert_eq!(
        c.delete("/items/2")
            .header("authorization", &auth(&token))
            .send()
            .status(),
        204
    );
    // unknown: 404; 0 is just unknown for DELETE
    for id in ["99", "0", "-1"] {
        let r = c
            .delete(&format!("/items/{id}"))
            .header("authorization", &auth(&token))
            .send();
        assert_eq!(r.status(), 404, "{id}");
        assert_eq!(r.json(), json!({"detail": "Item not found"}));
    }
    let r = c.delete("/items/1").send();
    assert_eq!(r.status(), 401);
    // GET: 404, and ge=1
    assert_eq!(
        c.get("/items/99").send().json(),
        json!({"detail": "Item not found"})
    );
    let r = c.get("/items/0").send();
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "greater_than_equal", "loc": ["path", "item_id"], "msg": "Input should be greater than or equal to 1", "input": "0", "ctx": {"ge": 1}}]})
    );
    let r = c.get("/items/abc").send();
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "int_parsing", "loc": ["path", "item_id"], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "abc"}]})
    );
    // the list shows active items only, by id
    let names: Vec<Value> = c
        .get("/items")
        .send()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].clone())
        .collect();
    assert_eq!(names, ["Widget", "Gizmo"]);
    assert_eq!(
        c.get("/items?skip=1&limit=1").send().json()[0]["name"],
        "Gizmo"
    );
    assert_eq!(c.get("/items?limit=0").send().status(), 422);
    // validation of the body
    let r = c
        .post("/items")
        .header("authorization", &auth(&token))
        .json(&json!({"name": "", "price": 0, "stock": -1}))
        .send();
    assert_eq!(
        r.json(),
        json!({"detail": [
            {"type": "string_too_short", "loc": ["body", "name"], "msg": "String should have at least 1 character", "input": "", "ctx": {"min_length": 1}},
            {"type": "greater_than", "loc": ["body", "price"], "msg": "Input should be greater than 0", "input": 0, "ctx": {"gt": 0.0}},
            {"type": "greater_than_equal", "loc": ["body", "stock"], "msg": "Input should be greater than or equal to 0", "input": -1, "ctx": {"ge": 0}}]})
    );
}

fn items_auth_before_validation(db: &TestDb) {
    let c = db.client();
    // no token + invalid body: the dependency answers first
    let r = c.post("/items").json(&json!({"name": ""})).send();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json(), json!({"detail": "Not authenticated"}));
    // no token + malformed JSON: the body is parsed first
    let r = c
        .post("/items")
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "json_invalid", "loc": ["body", 9], "msg": "JSON decode error", "input": {}, "ctx": {"error": "Expecting value"}}]})
    );
    // a bad token + invalid body: 401 too
    let r = c
        .post("/items")
        .header("authorization", "Bearer nope")
        .json(&json!({}))
        .send();
    assert_eq!(
        r.json(),
        json!({"detail": "Could not validate credentials"})
    );
}

fn items_search_is_literal_and_case_insensitive(db: &TestDb) {
    // logged in through an override of get_current_user: any token will do
    let c = db.client_as_test_user();
    let token = "test-user";
    for name in [
        "Blue Widget",
        "widget mini",
        "WIDGET",
        "Gadget",
        "100% cotton",
        "under_score",
        "underXscore",
        "Ÿ-Widget",
    ] {
        create_item(&c, token, name, 1.0, 1);
    }
    c.delete("/items/3")
        .header("authorization", &auth(token))
        .send();
    let names = |q: &str| -> Vec<String> {
        let r = c.get(&format!("/items?{q}")).send();
        assert_eq!(r.status(), 200, "{q}: {}", r.text());
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names("search=widget"),
        ["Blue Widget", "widget mini", "Ÿ-Widget"]
    );
    assert_eq!(names("search=WiDgEt&skip=1&limit=1"), ["widget mini"]);
    assert_eq!(names("search=%25"), ["100% cotton"]);
    assert_eq!(names("search=_"), ["under_score"]);
    assert_eq!(names("search=r_s"), ["under_score"]);
    assert_eq!(names("search=%25cotton"), Vec::<String>::new());
    assert_eq!(names("search=%C3%BF"), ["Ÿ-Widget"]); // ÿ: Unicode case folding
    assert_eq!(names("search=nothing"), Vec::<String>::new());
    let r = c.get("/items?search=").send();
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "string_too_short", "loc": ["query", "search"], "msg": "String should have at least 1 character", "input": "", "ctx": {"min_length": 1}}]})
    );
}

// ----------------------------------------------------------------- orders

fn order(c: &TestClient, token: &str, lines: Value) -> fastrs::TestResponse {
    c.post("/orders")
        .header("authorization", &auth(token))
        .json(&json!({"items": lines, "shipping_address": address()}))
        .send()
}

fn stock(c: &TestClient, id: i64) -> i64 {
    c.get(&format!("/items/{id}")).send().json()["stock"]
        .as_i64()
        .unwrap()
}

fn orders_happy_path(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    create_item(&c, &token, "Dime", 0.1, 10);
    create_item(&c, &token, "Widget", 2.5, 5);
    let r = c
        .post("/orders")
        .header("authorization", &auth(&token))
        .json(
            &json!({"items": [{"product_id": 1, "quantity": 3}, {"product_id": 2, "quantity": 2}],
                      "shipping_address": address(), "notes": "ring twice"}),
        )
        .send();
    assert_eq!(r.status(), 201, "{}", r.text());
    let body = r.json();
    assert!(is_rfc3339(body["created_at"].as_str().unwrap()));
    let mut without_time = body.clone();
    without_time.as_object_mut().unwrap().remove("created_at");
    assert_eq!(
        without_time,
        json!({"id": 1, "user_id": 1,
               "items": [{"product_id": 1, "quantity": 3, "unit_price": 0.1}, {"product_id": 2, "quantity": 2, "unit_price": 2.5}],
               "total": 5.3, "item_count": 5, "shipping_address": address(), "notes": "ring twice"})
    );
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "user_id",
            "items",
            "total",
            "item_count",
            "shipping_address",
            "notes",
            "created_at"
        ]
    );
    assert_eq!(stock(&c, 1), 7);
    assert_eq!(stock(&c, 2), 3);
    // 0.1 × 3 alone: the float sum
    let r = order(&c, &token, json!([{"product_id": 1, "quantity": 3}]));
    assert_eq!(r.json()["total"], json!(0.30000000000000004));
    assert!(r.text().contains("\"total\":0.30000000000000004"));
    assert_eq!(r.json()["notes"], Value::Null);
    // the caller's orders, by id, and one of them
    let list = c
        .get("/orders")
        .header("authorization", &auth(&token))
        .send()
        .json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0], body);
    assert_eq!(list[1]["id"], 2);
    let r = c
        .get("/orders/1")
        .header("authorization", &auth(&token))
        .send();
    assert_eq!(r.json(), body);
    // unit_price is the price at the time of the order
    assert_eq!(list[1]["items"][0]["unit_price"], 0.1);
}

fn orders_line_checks_in_order(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    create_item(&c, &token, "Few", 1.0, 1);
    create_item(&c, &token, "Gone", 1.0, 10);
    c.delete("/items/2")
        .header("authorization", &auth(&token))
        .send();
    let not_found = |id: i64| json!({"error": {"code": "ITEM_NOT_FOUND", "message": format!("Item {id} does not exist")}});
    let short = json!({"error": {"code": "INSUFFICIENT_INVENTORY", "message": "Not enough stock for this order"}});
    let r = order(&c, &token, json!([{"product_id": 7, "quantity": 1}]));
    assert_eq!((r.status().as_u16(), r.json()), (404, not_found(7)));
    // a removed product does not exist for orders
    let r = order(&c, &token, json!([{"product_id": 2, "quantity": 1}]));
    assert_eq!((r.status().as_u16(), r.json()), (404, not_found(2)));
    let r = order(&c, &token, json!([{"product_id": 1, "quantity": 2}]));
    assert_eq!((r.status().as_u16(), r.json()), (409, short.clone()));
    // short stock on line 1 and an unknown product on line 2: 409
    let r = order(
        &c,
        &token,
        json!([{"product_id": 1, "quantity": 5}, {"product_id": 99, "quantity": 1}]),
    );
    assert_eq!((r.status().as_u16(), r.json()), (409, short));
    // unknown on line 1, short on line 2: 404
    let r = order(
        &c,
        &token,
        json!([{"product_id": 99, "quantity": 1}, {"product_id": 1, "quantity": 5}]),
    );
    assert_eq!((r.status().as_u16(), r.json()), (404, not_found(99)));
    assert_eq!(stock(&c, 1), 1);
    // no order was stored
    assert_eq!(
        c.get("/orders")
            .header("authorization", &auth(&token))
            .send()
            .json(),
        json!([])
    );
}

fn orders_cumulative_stock_and_rollback(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    create_item(&c, &token, "A", 1.0, 5);
    create_item(&c, &token, "B", 2.0, 5);
    // 3 + 3 of A: each line fits alone, not both
    let r = order(
        &c,
        &token,
        json!([{"product_id": 1, "quantity": 3}, {"product_id": 1, "quantity": 3}]),
    );
    assert_eq!(r.status(), 409);
    // line 1 took B, line 2 fails: B's stock comes back
    let r = order(
        &c,
        &token,
        json!([{"product_id": 2, "quantity": 4}, {"product_id": 1, "quantity": 6}]),
    );
    assert_eq!(r.status(), 409);
    assert_eq!((stock(&c, 1), stock(&c, 2)), (5, 5));
    // 2 + 3 of A: exactly the stock, two lines
    let r = order(
        &c,
        &token,
        json!([{"product_id": 1, "quantity": 2}, {"product_id": 1, "quantity": 3}]),
    );
    assert_eq!(r.status(), 201);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
    assert_eq!(r.json()["item_count"], 5);
    assert_eq!(r.json()["total"], 5.0);
    assert_eq!(stock(&c, 1), 0);
    let r = order(&c, &token, json!([{"product_id": 1, "quantity": 1}]));
    assert_eq!(r.status(), 409);
}

fn orders_validation(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    let r = c
        .post("/orders")
        .header("authorization", &auth(&token))
        .json(&json!({"items": [], "shipping_address": address()}))
        .send();
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "too_short", "loc": ["body", "items"], "msg": "List should have at least 1 item after validation, not 0", "input": [], "ctx": {"field_type": "List", "min_length": 1, "actual_length": 0}}]})
    );
    let r = c
        .post("/orders")
        .header("authorization", &auth(&token))
        .json(&json!({"items": [{"product_id": 0, "quantity": 0}, {"product_id": "x"}], "shipping_address": {"street": "s"}}))
        .send();
    assert_eq!(r.status(), 422);
    let locs: Vec<Value> = r.json()["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["loc"].clone())
        .collect();
    assert_eq!(
        locs,
        [
            json!(["body", "items", 0, "product_id"]),
            json!(["body", "items", 0, "quantity"]),
            json!(["body", "items", 1, "product_id"]),
            json!(["body", "items", 1, "quantity"]),
            json!(["body", "shipping_address", "city"]),
            json!(["body", "shipping_address", "country"]),
            json!(["body", "shipping_address", "zip_code"])
        ]
    );
    // without a token, an invalid body is a 401
    let r = c.post("/orders").json(&json!({"items": []})).send();
    assert_eq!(r.status(), 401);
    let r = c.get("/orders").send();
    assert_eq!(
        (r.status().as_u16(), r.header("www-authenticate")),
        (401, Some("Bearer"))
    );
    let r = c
        .get("/orders/abc")
        .header("authorization", &auth(&token))
        .send();
    assert_eq!(r.json()["detail"][0]["loc"], json!(["path", "order_id"]));
}

fn orders_are_private(db: &TestDb) {
    let c = db.client();
    let jane = user_token(&c, "Jane", "jane@example.com");
    let bob = user_token(&c, "Bob", "bob@example.com");
    create_item(&c, &jane, "A", 1.0, 5);
    assert_eq!(
        order(&c, &jane, json!([{"product_id": 1, "quantity": 1}])).status(),
        201
    );
    assert_eq!(
        order(&c, &bob, json!([{"product_id": 1, "quantity": 1}])).json()["user_id"],
        2
    );
    let r = c
        .get("/orders/1")
        .header("authorization", &auth(&bob))
        .send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (404, json!({"detail": "Order not found"}))
    );
    let r = c
        .get("/orders/99")
        .header("authorization", &auth(&bob))
        .send();
    assert_eq!(r.status(), 404);
    let mine = c
        .get("/orders")
        .header("authorization", &auth(&bob))
        .send()
        .json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["id"], 2);
}

// ------------------------------------------------------------------ admin

fn admin_stats(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    register(&c, "Bob", "bob@example.com");
    create_item(&c, &token, "A", 1.0, 5);
    create_item(&c, &token, "B", 1.0, 5);
    c.delete("/items/2")
        .header("authorization", &auth(&token))
        .send();
    order(&c, &token, json!([{"product_id": 1, "quantity": 1}]));
    let r = c
        .get("/admin/stats")
        .header("authorization", &auth(&token))
        .header("x-api-key", "secret-key-123")
        .send();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json(),
        json!({"total_users": 2, "total_items": 2, "total_orders": 1})
    );
    // the key is checked first: wrong key → 403 even without a token
    let r = c.get("/admin/stats").header("x-api-key", "nope").send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (403, json!({"detail": "Invalid API key"}))
    );
    let r = c
        .get("/admin/stats")
        .header("x-api-key", "")
        .header("authorization", &auth(&token))
        .send();
    assert_eq!(r.status(), 403);
    // no key, no token: 401
    let r = c.get("/admin/stats").send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (401, json!({"detail": "Not authenticated"}))
    );
    // a good token and no key: 422 on the header
    let r = c
        .get("/admin/stats")
        .header("authorization", &auth(&token))
        .send();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json(),
        json!({"detail": [{"type": "missing", "loc": ["header", "x-api-key"], "msg": "Field required", "input": null}]})
    );
    // the right key and a bad token
    let r = c
        .get("/admin/stats")
        .header("x-api-key", "secret-key-123")
        .header("authorization", "Bearer x")
        .send();
    assert_eq!(
        r.json(),
        json!({"detail": "Could not validate credentials"})
    );
    // APP_API_KEY changes the key
    drop(c);
    let mut config = db.config();
    config.api_key = Some("another".into());
    let c = TestClient::new(shop::app(config)).check_contract();
    let r = c
        .get("/admin/stats")
        .header("authorization", &auth(&token))
        .header("x-api-key", "another")
        .send();
    assert_eq!(r.status(), 200);
    let r = c
        .get("/admin/stats")
        .header("authorization", &auth(&token))
        .header("x-api-key", "secret-key-123")
        .send();
    assert_eq!(r.status(), 403);
}

// ------------------------------------------------------------------- HTTP

fn http_details(db: &TestDb) {
    let c = db.client();
    let r = c.get("/nowhere").send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (404, json!({"detail": "Not Found"}))
    );
    assert_timing(&r);
    let r = c.get("/Users").send();
    assert_eq!(r.status(), 404, "paths are case-sensitive");
    let r = c.put("/users").send();
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (405, json!({"detail": "Method Not Allowed"}))
    );
    // HEAD is answered on GET routes, so it is allowed (FastAPI: "GET, POST")
    assert_eq!(r.header("allow"), Some("GET, HEAD, POST"));
    assert_timing(&r);
    let r = c.post("/items/1").send();
    assert_eq!(r.header("allow"), Some("DELETE, GET, HEAD"));
    // trailing slash: 307 to the route, query kept
    let r = c.get("/users/?skip=1&limit=5").send();
    assert_eq!(r.status(), 307);
    assert_eq!(r.header("location"), Some("/users?skip=1&limit=5"));
    assert_timing(&r);
    let r = c.get("/items/1/").send();
    assert_eq!(
        (r.status().as_u16(), r.header("location")),
        (307, Some("/items/1"))
    );
    // %2F is decoded before routing
    register(&c, "Jane", "jane@example.com");
    assert_eq!(c.get("/users%2F1").send().json()["id"], 1);
    // HEAD on a GET route: the GET without a body
    let r = c.head("/users").send();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().is_empty());
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_timing(&r);
    // the docs
    let r = c.get("/docs").send();
    assert_eq!(r.status(), 200);
    assert!(r.text().contains("swagger"), "Swagger UI");
    assert_eq!(c.get("/redoc").send().status(), 200);
    let doc = c.get("/openapi.json").send().json();
    assert_eq!(
        doc["info"],
        json!({"title": "Shop API", "version": "1.0.0"})
    );
}

fn cors(db: &TestDb) {
    let c = db.client();
    let r = c
        .options("/users")
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "OK");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY")
    );
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("content-type,authorization")
    );
    assert_eq!(r.header("access-control-max-age"), Some("600"));
    assert!(
        r.header("vary").unwrap().starts_with("Origin"),
        "{:?}",
        r.header("vary")
    );
    assert_timing(&r);
    // any path
    let r = c
        .options("/no/such/path")
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "GET")
        .send();
    assert_eq!(r.status(), 200);
    // another origin
    let r = c
        .options("/users")
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send();
    assert_eq!(
        (r.status().as_u16(), r.text()),
        (400, "Disallowed CORS origin".to_owned())
    );
    assert_timing(&r);
    // exact match only
    let r = c
        .options("/users")
        .header("origin", "http://localhost:3000/")
        .header("access-control-request-method", "POST")
        .send();
    assert_eq!(r.status(), 400);
    // simple requests
    let r = c.get("/").header("origin", "http://localhost:3000").send();
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(r.header("vary"), Some("Origin"));
    let r = c.get("/").header("origin", "http://evil.example").send();
    assert_eq!(r.status(), 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("vary"), Some("Origin"));
}

fn lax_coercions_and_body_errors(db: &TestDb) {
    let c = db.client();
    let token = user_token(&c, "Jane", "jane@example.com");
    let post_user = |body: Value| c.post("/users").json(&body).send();
    let r = post_user(
        json!({"name": "A", "email": "a1@example.com", "age": "42", "password": "password123"}),
    );
    assert_eq!(r.json()["age"], 42);
    let r = post_user(
        json!({"name": "A", "email": "a2@example.com", "age": 33.0, "password": "password123"}),
    );
    assert_eq!(r.json()["age"], 33);
    let r = post_user(
        json!({"name": "A", "email": "a3@example.com", "age": true, "password": "password123"}),
    );
    assert_eq!(r.json()["age"], 1);
    let r = post_user(
        json!({"name": "A", "email": "a4@example.com", "age": "7.0", "password": "password123", "unknown": 1}),
    );
    assert_eq!(r.json()["age"], 7);
    let err = |body: Value| {
        post_user(body).json()["detail"][0]["type"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        err(
            json!({"name": "A", "email": "a5@example.com", "age": 30.5, "password": "password123"})
        ),
        "int_from_float"
    );
    assert_eq!(
        err(
            json!({"name": "A", "email": "a5@example.com", "age": "2.5", "password": "password123"})
        ),
        "int_parsing"
    );
    assert_eq!(
        err(
            json!({"name": "A", "email": "a5@example.com", "age": "1e1", "password": "password123"})
        ),
        "int_parsing"
    );
    assert_eq!(
        err(
            json!({"name": "A", "email": "a5@example.com", "age": null, "password": "password123"})
        ),
        "int_type"
    );
    assert_eq!(
        err(json!({"name": 123, "email": "a5@example.com", "age": 1, "password": "password123"})),
        "string_type"
    );
    assert_eq!(
        err(json!({"name": null, "email": "a5@example.com", "age": 1, "password": "password123"})),
        "string_type"
    );
    // an integer beyond i64: 422 (the contract; FastAPI takes a big int)
    let r = c
        .post("/users")
        .header("content-type", "application/json")
        .body(r#"{"name":"A","email":"a5@example.com","age":9223372036854775808,"password":"password123"}"#)
        .send();
    assert_eq!(r.status(), 422);
    // floats: "2.50" and true
    let item = |price: Value| {
        c.post("/items")
            .header("authorization", &auth(&token))
            .json(&json!({"name": "X", "price": price}))
            .send()
    };
    assert_eq!(item(json!("2.50")).json()["price"], 2.5);
    assert_eq!(item(json!(true)).json()["price"], 1.0);
    assert_eq!(item(json!(null)).json()["detail"][0]["type"], "float_type");
    // duplicate keys: the last wins
    let r = c
        .post("/items")
        .header("authorization", &auth(&token))
        .header("content-type", "application/json")
        .body(r#"{"name":"First","name":"Second","price":1}"#)
        .send();
    assert_eq!(r.json()["name"], "Second");
    // content types and body shapes
    let raw = |ct: Option<&str>, body: &'static [u8]| {
        let mut r = c.post("/users").body(body);
        if let Some(ct) = ct {
            r = r.header("content-type", ct);
        }
        let r = r.send();
        (r.status().as_u16(), r.json())
    };
    let (s, b) = raw(Some("text/plain"), br#"{"name":"A"}"#);
    assert_eq!(s, 422);
    assert_eq!(
        b,
        json!({"detail": [{"type": "model_attributes_type", "loc": ["body"], "msg": "Input should be a valid dictionary or object to extract fields from", "input": "{\"name\":\"A\"}"}]})
    );
    let (_, b) = raw(Some("application/json"), b"[1]");
    assert_eq!(b["detail"][0]["type"], "model_attributes_type");
    let (_, b) = raw(Some("application/json"), b"");
    assert_eq!(
        b,
        json!({"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": null}]})
    );
    let (_, b) = raw(Some("application/vnd.api+json"), br#"{"name":"A"}"#);
    assert_eq!(b["detail"][0]["loc"], json!(["body", "email"]));
    let (_, b) = raw(Some("application/json"), br#"{"name" "A"}"#);
    assert_eq!(
        b["detail"][0]["ctx"],
        json!({"error": "Expecting ':' delimiter"})
    );
    let (_, b) = raw(Some("application/json"), br#"{"a": 1 "b": 2}"#);
    assert_eq!(
        b["detail"][0]["ctx"],
        json!({"error": "Expecting ',' delimiter"})
    );
    let (_, b) = raw(Some("application/json"), br#"{'a': 1}"#);
    assert_eq!(
        b["detail"][0]["ctx"],
        json!({"error": "Expecting property name enclosed in double quotes"})
    );
    let (s, b) = raw(Some("application/json"), b"{\"name\": \"\xff\"}");
    assert_eq!(
        (s, b),
        (
            400,
            json!({"detail": "There was an error parsing the body"})
        )
    );
}

// ------------------------------------------------------------------ OpenAPI

#[test]
fn openapi_document() {
    let doc = shop::app(shop::Config::new("sqlite::memory:")).openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["info"],
        json!({"title": "Shop API", "version": "1.0.0"})
    );
    let ops = [
        ("/", "get", None, false, false),
        ("/users", "post", Some("users"), false, true),
        ("/users", "get", Some("users"), false, true),
        ("/users/me", "get", Some("users"), true, false),
        ("/users/{user_id}", "get", Some("users"), false, true),
        ("/auth/token", "post", Some("auth"), false, true),
        ("/items", "post", Some("items"), true, true),
        ("/items", "get", Some("items"), false, true),
        ("/items/{item_id}", "get", Some("items"), false, true),
        ("/items/{item_id}", "delete", Some("items"), true, true),
        ("/orders", "post", Some("orders"), true, true),
        ("/orders", "get", Some("orders"), true, false),
        ("/orders/{order_id}", "get", Some("orders"), true, true),
        ("/admin/stats", "get", Some("admin"), true, true),
    ];
    let mut count = 0;
    for (path, method, tag, secured, has_422) in ops {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path}");
        count += 1;
        match tag {
            Some(t) => assert_eq!(op["tags"], json!([t]), "{method} {path}"),
            None => assert!(op.get("tags").is_none()),
        }
        if secured {
            assert_eq!(
                op["security"],
                json!([{"OAuth2PasswordBearer": []}]),
                "{method} {path}"
            );
        } else {
            assert!(op.get("security").is_none(), "{method} {path}");
        }
        let r422 = &op["responses"]["422"];
        if has_422 {
            assert_eq!(
                r422["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/HTTPValidationError",
                "{method} {path}"
            );
        } else {
            assert!(r422.is_null(), "{method} {path}");
        }
    }
    let n: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(n, count, "no other operation");
    assert_eq!(
        doc["components"]["securitySchemes"],
        json!({"OAuth2PasswordBearer": {"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "auth/token"}}}})
    );
    // success statuses and schemas
    let p = &doc["paths"];
    let schema = |path: &str, method: &str, status: &str| {
        p[path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
    };
    assert_eq!(
        schema("/users", "post", "201"),
        json!({"$ref": "#/components/schemas/UserResponse"})
    );
    assert_eq!(
        schema("/users", "get", "200")["items"],
        json!({"$ref": "#/components/schemas/UserResponse"})
    );
    assert_eq!(
        schema("/items", "post", "201"),
        json!({"$ref": "#/components/schemas/Item"})
    );
    assert_eq!(
        schema("/orders", "post", "201"),
        json!({"$ref": "#/components/schemas/Order"})
    );
    assert_eq!(
        schema("/auth/token", "post", "200"),
        json!({"$ref": "#/components/schemas/Token"})
    );
    assert!(p["/items/{item_id}"]["delete"]["responses"]["204"].is_object());
    // constraints in the schemas
    let s = &doc["components"]["schemas"];
    assert_eq!(s["UserCreate"]["properties"]["name"]["minLength"], 1);
    assert_eq!(s["UserCreate"]["properties"]["name"]["maxLength"], 100);
    assert_eq!(s["UserCreate"]["properties"]["email"]["format"], "email");
    assert_eq!(s["UserCreate"]["properties"]["age"]["maximum"], 150);
    assert_eq!(s["UserCreate"]["properties"]["password"]["minLength"], 8);
    assert_eq!(
        s["UserCreate"]["properties"]["bio"]["anyOf"],
        json!([{"type": "string"}, {"type": "null"}])
    );
    assert_eq!(
        s["UserCreate"]["required"],
        json!(["name", "email", "age", "password"])
    );
    assert_eq!(
        s["ItemCreate"]["properties"]["price"]["exclusiveMinimum"],
        0.0
    );
    assert_eq!(s["ItemCreate"]["properties"]["stock"]["default"], 0);
    assert_eq!(s["OrderCreate"]["properties"]["items"]["minItems"], 1);
    assert_eq!(s["OrderItem"]["properties"]["product_id"]["minimum"], 1);
    assert_eq!(
        s["UserResponse"]["properties"]["created_at"]["format"],
        "date-time"
    );
    assert!(s["UserResponse"]["properties"].get("password").is_none());
    // parameters
    let params = |path: &str, method: &str| -> Vec<String> {
        p[path][method]["parameters"]
            .as_array()
            .map_or(vec![], |a| {
                a.iter()
                    .map(|x| x["name"].as_str().unwrap().to_owned())
                    .collect()
            })
    };
    assert_eq!(params("/users", "get"), ["skip", "limit"]);
    assert_eq!(params("/items", "get"), ["skip", "limit", "search"]);
    assert_eq!(params("/admin/stats", "get"), ["x-api-key"]);
    let limit = &p["/users"]["get"]["parameters"][1]["schema"];
    assert_eq!(
        (
            limit["minimum"].clone(),
            limit["maximum"].clone(),
            limit["default"].clone()
        ),
        (json!(1), json!(100), json!(20))
    );
    assert_eq!(
        p["/items/{item_id}"]["get"]["parameters"][0]["schema"]["minimum"],
        1
    );
    // the login form, as FastAPI documents OAuth2PasswordRequestForm
    let body = &p["/auth/token"]["post"]["requestBody"];
    assert_eq!(
        body["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"],
        "#/components/schemas/Body_login_auth_token_post"
    );
    assert_eq!(
        s["Body_login_auth_token_post"]["required"],
        json!(["username", "password"])
    );
}

// ------------------------------------------------------------ concurrency

async fn send(
    service: &fastrs::AppService,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let bytes = match &body {
        Some(v) => {
            b = b.header("content-type", "application/json");
            fastrs::serde_json::to_vec(v).unwrap()
        }
        None => Vec::new(),
    };
    let req = b.body(RequestBody::Full(bytes.into())).unwrap();
    let resp = service.handle(req).await;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        fastrs::serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

async fn race(db: TestDb) {
    let service = Arc::new(shop::app(db.config()).start().await.expect("start"));
    let (s, _) = send(&service, Method::POST, "/users", &[],
        Some(json!({"name": "Jane", "email": "jane@example.com", "age": 30, "password": "password123"}))).await;
    assert_eq!(s, 201);
    let form = "username=jane%40example.com&password=password123";
    let req = Request::builder()
        .method(Method::POST)
        .uri("/auth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(RequestBody::Full(form.into()))
        .unwrap();
    let body = service
        .handle(req)
        .await
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes();
    let token: Value = fastrs::serde_json::from_slice(&body).unwrap();
    let auth = bearer(token["access_token"].as_str().unwrap());
    let (s, item) = send(
        &service,
        Method::POST,
        "/items",
        &[("authorization", &auth)],
        Some(json!({"name": "Last units", "price": 1.0, "stock": 10})),
    )
    .await;
    assert_eq!(s, 201);
    let id = item["id"].as_i64().unwrap();
    let other = send(
        &service,
        Method::POST,
        "/items",
        &[("authorization", &auth)],
        Some(json!({"name": "Plenty", "price": 1.0, "stock": 1000})),
    )
    .await
    .1["id"]
        .as_i64()
        .unwrap();

    // 50 orders at once, each for 1 unit (half of them with a second line
    // on a plentiful item first, so the racing update is not the first statement)
    let mut tasks = Vec::new();
    for i in 0..50 {
        let service = service.clone();
        let auth = auth.clone();
        tasks.push(tokio::spawn(async move {
            let mut lines = vec![];
            if i % 2 == 0 {
                lines.push(json!({"product_id": other, "quantity": 1}));
            }
            lines.push(json!({"product_id": id, "quantity": 1}));
            send(
                &service,
                Method::POST,
                "/orders",
                &[("authorization", &auth)],
                Some(json!({"items": lines, "shipping_address": address()})),
            )
            .await
        }));
    }
    let mut ok = 0;
    let mut conflict = 0;
    for t in tasks {
        match t.await.unwrap() {
            (201, _) => ok += 1,
            (409, b) => {
                assert_eq!(b["error"]["code"], "INSUFFICIENT_INVENTORY");
                conflict += 1;
            }
            (s, b) => panic!("{}: unexpected {s} {b}", db.backend),
        }
    }
    assert_eq!((ok, conflict), (10, 40), "{}", db.backend);
    let (_, item) = send(&service, Method::GET, &format!("/items/{id}"), &[], None).await;
    assert_eq!(item["stock"], 0, "{}", db.backend);
    let (_, orders) = send(
        &service,
        Method::GET,
        "/orders",
        &[("authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(orders.as_array().unwrap().len(), 10);
    let (_, plenty) = send(&service, Method::GET, &format!("/items/{other}"), &[], None).await;
    let taken_by_ok: i64 = orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["items"].as_array().unwrap().len() as i64 - 1)
        .sum();
    assert_eq!(
        plenty["stock"],
        1000 - taken_by_ok,
        "failed orders gave back their other line"
    );
    // and 20 concurrent registrations of one address: exactly one succeeds
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let service = service.clone();
        tasks.push(tokio::spawn(async move {
            send(&service, Method::POST, "/users", &[],
                Some(json!({"name": "Dup", "email": "dup@example.com", "age": 1, "password": "password123"}))).await.0
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    service.shutdown().await;
    // dropping the database (its PostgreSQL schema) blocks: not on a runtime thread
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_for_the_last_units_sqlite() {
    race(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_for_the_last_units_postgres() {
    let Some(db) = tokio::task::spawn_blocking(TestDb::postgres).await.unwrap() else {
        return;
    };
    race(db).await;
}

/// Registers Jane on `service` and returns her `Authorization` header.
async fn jane(service: &fastrs::AppService) -> String {
    let (s, _) = send(service, Method::POST, "/users", &[],
        Some(json!({"name": "Jane", "email": "jane@example.com", "age": 30, "password": "password123"}))).await;
    assert_eq!(s, 201);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/auth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(RequestBody::Full(
            "username=jane%40example.com&password=password123".into(),
        ))
        .unwrap();
    let body = service
        .handle(req)
        .await
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes();
    let token: Value = fastrs::serde_json::from_slice(&body).unwrap();
    bearer(token["access_token"].as_str().unwrap())
}

/// 50 two-line orders at once, half of them naming the two products in the
/// other order (on PostgreSQL, row locks taken in line order deadlocked and
/// answered 500): every order succeeds or gets 409, never a 500.
async fn crossed_orders(db: TestDb) {
    let service = Arc::new(shop::app(db.config()).start().await.expect("start"));
    let auth = jane(&service).await;
    let mut ids = Vec::new();
    for name in ["A", "B"] {
        let (s, item) = send(
            &service,
            Method::POST,
            "/items",
            &[("authorization", &auth)],
            Some(json!({"name": name, "price": 1.0, "stock": 40})),
        )
        .await;
        assert_eq!(s, 201);
        ids.push(item["id"].as_i64().unwrap());
    }
    let (a, b) = (ids[0], ids[1]);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let service = service.clone();
        let auth = auth.clone();
        let (first, second) = if i % 2 == 0 { (a, b) } else { (b, a) };
        tasks.push(tokio::spawn(async move {
            send(
                &service,
                Method::POST,
                "/orders",
                &[("authorization", &auth)],
                Some(json!({"items": [
                    {"product_id": first, "quantity": 1},
                    {"product_id": second, "quantity": 1}],
                    "shipping_address": address()})),
            )
            .await
        }));
    }
    let (mut ok, mut conflict, mut other) = (0, 0, Vec::new());
    for t in tasks {
        match t.await.unwrap() {
            (201, _) => ok += 1,
            (409, b) => {
                assert_eq!(b["error"]["code"], "INSUFFICIENT_INVENTORY");
                conflict += 1;
            }
            (s, b) => other.push(format!("{s} {b}")),
        }
    }
    let mut stocks = Vec::new();
    for id in [a, b] {
        let (_, item) = send(&service, Method::GET, &format!("/items/{id}"), &[], None).await;
        stocks.push(item["stock"].clone());
    }
    service.shutdown().await;
    let backend = db.backend;
    // dropped off the runtime (it blocks), and before asserting (a panic
    // while it drops on a runtime thread would abort)
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
    assert!(
        other.is_empty(),
        "{backend}: {} answers not 201/409: {other:?}",
        other.len()
    );
    // 40 units of each product, one of each per order: 40 orders succeed
    assert_eq!((ok, conflict), (40, 10), "{backend}");
    assert_eq!(stocks, [json!(0), json!(0)], "{backend}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crossed_orders_never_deadlock_sqlite() {
    crossed_orders(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crossed_orders_never_deadlock_postgres() {
    let Some(db) = tokio::task::spawn_blocking(TestDb::postgres).await.unwrap() else {
        return;
    };
    crossed_orders(db).await;
}

// ------------------------------------------------- hardening: secrets, hashing

/// A login for an unknown email runs one argon2 verification (against a
/// fixed dummy hash), exactly as a wrong password for a known one does, and
/// computes no hash: both take the same time.
fn login_does_the_same_work_for_unknown_emails(db: &TestDb) {
    let hashing = fastrs::blocking::Limiter::new(2);
    let mut config = db.config();
    config.hashing = hashing.clone();
    let c = TestClient::new(shop::app(config)).check_contract();
    let r = register(&c, "Jane", "jane@example.com");
    assert_eq!(r.status(), 201);
    assert_eq!(hashing.completed(), 1, "registration hashes once");
    let attempt = |email: &str, password: &str| {
        let before = hashing.completed();
        let r = c
            .post("/auth/token")
            .form(&[("username", email), ("password", password)])
            .send();
        (r.status().as_u16(), hashing.completed() - before)
    };
    assert_eq!(attempt("jane@example.com", "wrong-password"), (401, 1));
    assert_eq!(attempt("nobody@example.com", "wrong-password"), (401, 1));
    assert_eq!(attempt("nobody@example.com", "password123"), (401, 1));
    assert_eq!(attempt("not an email", "password123"), (401, 1));
    assert_eq!(attempt("jane@example.com", "password123"), (200, 1));
    assert_eq!(hashing.rejected(), 0);
}

/// Hashing runs through the app's limiter: with every slot taken and no
/// time to wait, a login and a registration answer 503 with Retry-After
/// (not an unbounded pile of 19 MiB hashes).
fn password_hashing_is_bounded(db: &TestDb) {
    let hashing =
        fastrs::blocking::Limiter::new(1).queue_timeout(std::time::Duration::from_millis(50));
    let mut config = db.config();
    config.hashing = hashing.clone();
    let c = TestClient::new(shop::app(config)).check_contract();
    assert_eq!(register(&c, "Jane", "jane@example.com").status(), 201);
    // take the only slot from another thread until told to let go
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let holder = {
        let hashing = hashing.clone();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(hashing.run(move || rx.recv().ok()))
        })
    };
    while hashing.available() > 0 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let r = c
        .post("/auth/token")
        .form(&[
            ("username", "jane@example.com"),
            ("password", "password123"),
        ])
        .send();
    assert_eq!(r.status(), 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.json(), json!({"detail": "Server busy, retry later"}));
    let r = register(&c, "Bob", "bob@example.com");
    assert_eq!(
        (r.status().as_u16(), r.header("retry-after")),
        (503, Some("1"))
    );
    assert_eq!(hashing.rejected(), 2);
    tx.send(()).unwrap();
    holder.join().unwrap().unwrap();
    // the slot is free again
    login(&c, "jane@example.com", "password123");
    assert_eq!(register(&c, "Bob", "bob@example.com").status(), 201);
}

/// Without `APP_API_KEY` there is no key at all: the article's, an empty
/// one, any other: 403.
fn without_an_api_key_every_key_is_refused(db: &TestDb) {
    let mut config = db.config();
    config.api_key = None;
    let c = TestClient::new(shop::app(config)).check_contract();
    let token = user_token(&c, "Jane", "jane@example.com");
    for key in [TEST_API_KEY, "", "anything"] {
        let r = c
            .get("/admin/stats")
            .header("authorization", &auth(&token))
            .header("x-api-key", key)
            .send();
        assert_eq!(
            (r.status().as_u16(), r.json()),
            (403, json!({"detail": "Invalid API key"})),
            "{key:?}"
        );
    }
}

/// Without `SECRET_KEY` each app signs with a random key of its own: a
/// token from one start is refused by the next.
fn without_a_secret_key_tokens_do_not_outlive_the_app(db: &TestDb) {
    let config = || {
        let mut config = db.config();
        config.secret_key = None;
        config
    };
    let c = TestClient::new(shop::app(config())).check_contract();
    let token = user_token(&c, "Jane", "jane@example.com");
    let me = |c: &TestClient| {
        c.get("/users/me")
            .header("authorization", &auth(&token))
            .send()
            .status()
            .as_u16()
    };
    assert_eq!(me(&c), 200);
    drop(c);
    let c = TestClient::new(shop::app(config())).check_contract();
    assert_eq!(me(&c), 401);
    // nor does the source hold a key: the configured test key does not sign it
    let ours = shop::security::Security::new(
        TEST_SECRET_KEY,
        std::time::Duration::from_secs(60),
        Default::default(),
    );
    let forged = ours.create_token(1).unwrap();
    let r = c
        .get("/users/me")
        .header("authorization", &auth(&forged))
        .send();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn a_short_secret_key_stops_the_start() {
    let mut config = shop::Config::new("sqlite::memory:");
    config.secret_key = Some("x".repeat(shop::MIN_SECRET_KEY_BYTES - 1));
    let Err(e) = shop::app(config).start().await else {
        panic!("a 31-byte key is refused");
    };
    assert_eq!(
        e.to_string(),
        "SECRET_KEY must be at least 32 bytes, it is 31; generate one with `openssl rand -hex 32`"
    );
    let mut config = shop::Config::new("sqlite::memory:");
    config.secret_key = Some("x".repeat(shop::MIN_SECRET_KEY_BYTES));
    shop::app(config)
        .start()
        .await
        .expect("32 bytes are enough");
}

#[test]
fn secrets_and_hashing_from_the_environment() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let c = shop::Config::from_vars(vars(&[])).unwrap();
    assert_eq!((c.api_key, c.secret_key), (None, None));
    assert_eq!(c.database_url, "sqlite://shop.db");
    assert_eq!(
        c.hashing.permits(),
        fastrs::blocking::Limiter::default_permits()
    );
    let c = shop::Config::from_vars(vars(&[
        ("APP_API_KEY", "k"),
        ("SECRET_KEY", "0123456789abcdef0123456789abcdef"),
        ("PASSWORD_HASHING_CONCURRENCY", "3"),
    ]))
    .unwrap();
    assert_eq!(c.api_key.as_deref(), Some("k"));
    assert_eq!(c.hashing.permits(), 3);
    // empty counts as unset
    let c = shop::Config::from_vars(vars(&[("APP_API_KEY", " "), ("SECRET_KEY", "")])).unwrap();
    assert_eq!((c.api_key, c.secret_key), (None, None));
    assert_eq!(
        shop::Config::from_vars(vars(&[("SECRET_KEY", "short")])).unwrap_err(),
        shop::ConfigError::ShortSecretKey(5)
    );
    assert_eq!(
        shop::Config::from_vars(vars(&[("PASSWORD_HASHING_CONCURRENCY", "0")])).unwrap_err(),
        shop::ConfigError::NotANumber("PASSWORD_HASHING_CONCURRENCY", "0".into())
    );
}
