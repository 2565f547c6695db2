//! Many route and model features used together; must compile cleanly.

use fastrs::prelude::*;
use fastrs::serde_json::{json, Value};

#[derive(Model, Debug)]
#[model(rename_all = "snake_case")]
enum Status {
    Active,
    OnHold,
    Archived,
}

#[derive(Model, Debug)]
struct Address {
    #[field(min_length = 1)]
    street: String,
    city: String,
    #[field(pattern = "^[0-9]{5}$")]
    zip_code: String,
}

/// A user to create.
#[derive(Model, Debug)]
struct UserCreate {
    #[field(min_length = 1, max_length = 100, description = "Full name")]
    name: String,
    email: Email,
    #[field(ge = 0, le = 150, example = 30)]
    age: i64,
    #[field(default = 1.0, gt = 0, multiple_of = 0.5)]
    weight: f64,
    #[field(default, max_length = 5)]
    tags: Vec<String>,
    #[field(default = Status::Active)]
    status: Status,
    #[field(alias = "homeAddress")]
    address: Address,
    previous: Vec<Address>,
    bio: Option<String>,
    #[field(deprecated)]
    nickname: Option<String>,
}

#[derive(Model, Debug)]
struct UserOut {
    id: i64,
    name: String,
    status: Status,
}

struct UserRow {
    id: i64,
    name: String,
    status: Status,
    _password_hash: String,
}

impl From<UserRow> for UserOut {
    fn from(r: UserRow) -> Self {
        UserOut {
            id: r.id,
            name: r.name,
            status: r.status,
        }
    }
}

#[allow(clippy::too_many_arguments)]
#[put(
    "/orgs/{org_id}/users/{user_id}",
    status_code = 201,
    tags = ["users"],
    summary = "Replace a user",
    response_model = UserOut
)]
async fn replace_user(
    #[path(ge = 1, description = "The organisation")] org_id: i64,
    user_id: i64,
    #[query(default = false)] dry_run: bool,
    #[query(default = 10, ge = 1, le = 100)] limit: i64,
    #[query(min_length = 2, pattern = "^[a-z]+$")] q: Option<String>,
    #[query] status: Option<Status>,
    ids: Vec<i64>,
    #[header] x_request_id: Option<String>,
    #[header(alias = "X-Token")] token: String,
    #[cookie] session: Option<String>,
    user: UserCreate,
) -> UserRow {
    let _ = (org_id, dry_run, limit, q, status, ids, x_request_id, token, session);
    UserRow {
        id: user_id,
        name: user.name,
        status: user.status,
        _password_hash: String::new(),
    }
}

#[get("/users", response_model = Vec<UserOut>)]
async fn list_users() -> Result<Vec<UserRow>, HttpError> {
    Ok(Vec::new())
}

/// A synchronous handler, run on the blocking pool.
#[get("/users/{user_id}", deprecated)]
fn read_user(user_id: i64, #[query(default = "full")] view: String) -> Json<Value> {
    Json(json!({"user_id": user_id, "view": view}))
}

#[delete("/users/{user_id}", include_in_schema = false)]
async fn delete_user(user_id: u32) -> NoContent {
    let _ = user_id;
    NoContent
}

fn main() {
    let _app = App::new()
        .route(replace_user)
        .route(list_users)
        .route(read_user)
        .route(delete_user);
}
