//! temporary
pub fn validate_email(input: &str) -> Result<String, String> {
    if input.contains('@') {
        Ok(input.trim().to_string())
    } else {
        Err("An email address must have an @-sign.".into())
    }
}
