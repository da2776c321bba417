// The migrations are embedded in the binary (`embed_migrations!`), but Cargo tracks only Rust
// sources: without this, a new migration folder is left out of the next build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
