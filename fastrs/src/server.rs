//! temporary
pub async fn serve(_app: crate::App) -> std::io::Result<()> {
    Ok(())
}
