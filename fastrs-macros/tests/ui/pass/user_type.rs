//! A user type becomes a parameter by implementing public traits.
use fastrs::extract::{Param, Query};
use fastrs::prelude::*;
use fastrs::{Check, Constraints, FromParam, Invalid};

/// A comma-separated list, `?ids=1,2,3`.
#[derive(Debug)]
struct Ids(Vec<i64>);

impl FromParam for Ids {
    fn from_param(raw: &str) -> Result<Self, Invalid> {
        raw.split(',')
            .map(i64::from_param)
            .collect::<Result<_, _>>()
            .map(Ids)
    }
}

impl Check for Ids {
    fn check(&self, _: &Constraints) -> Result<(), Invalid> {
        Ok(())
    }
}

impl fastrs::schemars::JsonSchema for Ids {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Ids".into()
    }
    fn json_schema(_: &mut fastrs::schemars::SchemaGenerator) -> fastrs::schemars::Schema {
        fastrs::schemars::json_schema!({"type": "string"})
    }
}

/// Without an attribute, `Ids` is a query parameter.
impl Param for Ids {
    type Source = Query;
}

#[get("/items")]
async fn list(ids: Ids, #[header] x_ids: Option<Ids>) -> String {
    format!("{:?} {:?}", ids.0, x_ids.map(|i| i.0))
}

fn main() {
    let client = TestClient::new(App::new().route(list));
    let r = client.get("/items?ids=1,2").header("x-ids", "3").send();
    assert_eq!(r.json(), serde_json::json!("[1, 2] Some([3])"));
    let r = client.get("/items?ids=1,x").send();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json()["detail"][0]["loc"], serde_json::json!(["query", "ids"]));
}
