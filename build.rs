// `include_dir!` cannot tell cargo which files it read, so an edited or added connector file
// would otherwise leave a stale catalog in the binary.
fn main() {
    println!("cargo:rerun-if-changed=catalog");
    // `sqlx::migrate!` embeds these; a new migration must rebuild the binary too.
    println!("cargo:rerun-if-changed=migrations");
}
