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

/// The modules directly inside `dir` (a file `x.rs` or a folder `x/`), each with the sources
/// that make it up and how deep below `dir` each one is (for reading its `super::` paths).
fn children(dir: &Path) -> std::collections::BTreeMap<String, Vec<(usize, String)>> {
    let mut modules = std::collections::BTreeMap::<String, Vec<(usize, String)>>::new();
    for (path, text) in sources(dir) {
        let relative = path.strip_prefix(dir).unwrap().with_extension("");
        let parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts == ["mod"] {
            continue;
        }
        // `a/b/mod.rs` is module `a::b`: as deep as `a/b.rs`.
        let depth = parts.len() - 1 - usize::from(parts.last().is_some_and(|p| p == "mod"));
        modules
            .entry(parts[0].clone())
            .or_default()
            .push((depth, text));
    }
    modules
}

/// The names a path names right after `prefix`: `prefix::a` names `a`, `prefix::{a, b::c}`
/// names `a` and `b`.
fn named_after(text: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        // `super::super::x` is not `super::x` one level up.
        let rest = &text[at + prefix.len()..];
        if text[..at].ends_with("super::") || rest.starts_with("super::") {
            continue;
        }
        let Some(group) = rest.strip_prefix('{') else {
            names.push(ident(rest));
            continue;
        };
        let (mut depth, mut item) = (0, String::new());
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => names.push(ident(&std::mem::take(&mut item))),
                _ if depth == 0 => item.push(c),
                _ => {}
            }
        }
        names.push(ident(&item));
    }
    names
}

/// A cycle among the modules directly inside `dir` (`src/store` and the like), if there is one:
/// each module's sources are read for the sibling modules they name, by `crate::…` or `super::`.
fn a_cycle_inside(dir: &Path, crate_path: &str) -> Option<Vec<String>> {
    let modules = children(dir);
    let uses: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> = modules
        .iter()
        .map(|(name, files)| {
            let named = files
                .iter()
                .flat_map(|(depth, text)| {
                    let code: String = text
                        .lines()
                        .filter(|line| !line.trim_start().starts_with("//"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    let mut named = named_after(&code, crate_path);
                    named.extend(named_after(&code, &"super::".repeat(depth + 1)));
                    named
                })
                .filter(|other| other != name && modules.contains_key(other))
                .collect();
            (name.as_str(), named)
        })
        .collect();
    // Depth first: a module reached again while still on the path closes a cycle.
    fn visit<'a>(
        module: &'a str,
        uses: &'a std::collections::BTreeMap<&'a str, std::collections::BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| *m == module) {
            let mut cycle: Vec<String> = path[start..].iter().map(|m| m.to_string()).collect();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for next in &uses[module] {
            let next = uses.get_key_value(next.as_str()).unwrap().0;
            if let Some(cycle) = visit(next, uses, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    uses.keys()
        .find_map(|module| visit(module, &uses, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_one_that_imports_it() {
    for dir in [
        "src/domain",
        "src/store",
        "src/input",
        "src/cli",
        "src/web",
        "src/web/api",
        "src/web/pages",
    ] {
        let crate_path = format!(
            "crate::{}::",
            dir.trim_start_matches("src/").replace('/', "::")
        );
        if let Some(cycle) = a_cycle_inside(&root().join(dir), &crate_path) {
            panic!("a cycle in {dir}: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_cycle_finder_reads_grouped_nested_and_crate_paths_and_finds_a_cycle() {
    let code = "use super::{claims::Claim, listing::{self, After}};\nuse super::super::web;";
    assert_eq!(named_after(code, "super::"), ["claims", "listing"]);
    assert_eq!(
        named_after("x = crate::store::search::matching(w)", "crate::store::"),
        ["search"]
    );
    let dir = std::env::temp_dir().join(format!("factdesk-layout-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("c")).unwrap();
    std::fs::write(dir.join("a.rs"), "use super::b::X;").unwrap();
    std::fs::write(
        dir.join("b.rs"),
        "// super::a is only a comment\nuse super::d;",
    )
    .unwrap();
    std::fs::write(dir.join("c/mod.rs"), "use super::b;").unwrap();
    std::fs::write(dir.join("d.rs"), "").unwrap();
    assert_eq!(a_cycle_inside(&dir, "crate::x::"), None);
    // From inside the folder `c`, `super::super::` is the folder's neighbours.
    std::fs::write(dir.join("c/deep.rs"), "fn f() { super::super::a::g() }").unwrap();
    std::fs::write(dir.join("d.rs"), "use crate::x::{c::deep};").unwrap();
    let cycle = a_cycle_inside(&dir, "crate::x::");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(cycle.unwrap(), ["a", "b", "d", "c", "a"]);
}
