// A route of examples/shop (routers/users.rs), body abridged, and its dependency.

#[dependency]
pub async fn get_db(pool: State<Db>) -> Db {
    pool.0
}

/// Lists users by id.
#[get("", response_model = Vec<UserResponse>)]
pub async fn list_users(
    #[query(default = 0, ge = 0)] skip: i64,
    #[query(default = 20, ge = 1, le = 100)] limit: i64,
    db: Depends<get_db>,
) -> Result<Vec<UserResponse>, HttpError> {
    db.list(skip, limit).await
}
