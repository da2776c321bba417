//! The layers as the README draws them, read from the source: arrows point inward only
//! (`domain` ← `store` ← `input` ← `web` and `cli`), and the README's Layout section names every
//! module there is.
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            found.push((path, text));
        }
    }
    found
}

/// The places in `dir`'s sources that name any of `outward` (a path such as `crate::web`).
fn reaching_out(dir: &str, outward: &[&str]) -> Vec<String> {
    sources(&root().join(dir))
        .into_iter()
        .flat_map(|(path, text)| {
            let path = path.strip_prefix(root()).unwrap().display().to_string();
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim_start().starts_with("//"))
                .filter(|(_, line)| outward.iter().any(|name| line.contains(name)))
                .map(|(n, line)| format!("{path}:{}: {}", n + 1, line.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn each_layer_uses_only_the_layers_inside_it() {
    let layers: [(&str, &[&str]); 5] = [
        (
            "src/domain",
            &[
                "crate::store",
                "crate::input",
                "crate::web",
                "crate::cli",
                "diesel",
                "rocket",
            ],
        ),
        (
            // No HTML is made in the store: rendering is for the API's answer and the pages.
            "src/store",
            &[
                "crate::input",
                "crate::web",
                "crate::cli",
                "rocket::",
                "markdown",
                "askama",
            ],
        ),
        (
            "src/input",
            &["crate::web", "crate::cli", "rocket", "diesel"],
        ),
        ("src/cli", &["crate::web"]),
        // The pages share with the API only what lies outside it.
        ("src/web/pages", &["crate::web::api", "super::api"]),
    ];
    for (dir, outward) in layers {
        let found = reaching_out(dir, outward);
        assert!(found.is_empty(), "{dir} reaches out:\n{}", found.join("\n"));
    }
}

#[test]
fn the_readmes_layout_names_every_module() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let (_, layout) = readme.split_once("## Layout").expect("a Layout section");
    let layout = layout.split("\n## ").next().unwrap();
    let mut unnamed = Vec::new();
    for dir in ["src/domain", "src/store", "src/web", "src/input", "src/cli"] {
        assert!(layout.contains(dir), "the layout leaves out {dir}");
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if name == "mod" || (path.is_dir() && path.with_extension("rs").exists()) {
                continue;
            }
            if !layout.contains(&name) {
                unnamed.push(format!("{dir}/{name}"));
            }
        }
    }
    assert!(
        unnamed.is_empty(),
        "the README's Layout leaves out: {unnamed:?}"
    );
}
