//! The OpenAPI document (`src/web/openapi.json`) against the app: served to anyone, and
//! documenting exactly the `/api/v1` routes the app mounts, each with the parameters its path
//! and query take, and every error answer as a problem document.
use crate::support::spawn_app;
use rocket::http::{ContentType, Status};
use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The document the app serves, read without credentials.
async fn served() -> Value {
    let app = spawn_app().await;
    let response = app.client.get("/api/openapi.json").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::JSON));
    serde_json::from_str(&response.into_string().await.unwrap()).expect("the document is JSON")
}

/// The document as the repository holds it, read from disk: not the copy the app compiled in,
/// so that comparing it with what is served can fail.
fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/openapi.json");
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).expect("the document is JSON")
}

/// Follows a local `$ref` (`#/components/…`); anything else is returned as it is.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("`{reference}` is not a local reference"));
            let target = doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("`{reference}` names nothing in the document"));
            resolve(doc, target)
        }
        None => value,
    }
}

/// Every `(method, path, operation)` of the document whose path starts with `prefix`.
fn operations<'a>(doc: &'a Value, prefix: &str) -> Vec<(String, String, &'a Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method).filter(|_| path.starts_with(prefix)) {
                out.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    out
}

/// The parameters of an operation, its path item's included, with references followed.
fn parameters<'a>(doc: &'a Value, path: &str, operation: &'a Value) -> Vec<&'a Value> {
    let shared = doc["paths"][path]["parameters"].as_array();
    let own = operation["parameters"].as_array();
    shared
        .into_iter()
        .chain(own)
        .flatten()
        .map(|p| resolve(doc, p))
        .collect()
}

/// Rocket's `<id>` (and `<rest..>`) as OpenAPI's `{id}`.
fn openapi_path(rocket_path: &str) -> String {
    rocket_path
        .split('/')
        .map(|segment| match segment.strip_prefix('<') {
            Some(name) => format!("{{{}}}", name.trim_end_matches('>').trim_end_matches("..")),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[rocket::async_test]
async fn the_document_is_served_to_anyone_as_json() {
    // `served` sends no Authorization header.
    assert_eq!(served().await, document());
}

#[test]
fn the_document_is_openapi_3_and_every_reference_resolves() {
    let doc = document();
    let version = doc["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3."), "OpenAPI {version}, not 3");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    fn walk(doc: &Value, value: &Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    resolve(doc, value);
                }
                map.values().for_each(|v| walk(doc, v));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v)),
            _ => {}
        }
    }
    walk(&doc, &doc);
}

#[rocket::async_test]
async fn the_document_lists_exactly_the_mounted_api_routes_and_their_query_parameters() {
    let app = spawn_app().await;
    let doc = document();
    let mut mounted = BTreeSet::new();
    let mut differences = Vec::new();
    for route in app.client.rocket().routes() {
        let path = route.uri.path().to_string();
        if !path.starts_with("/api/v1") {
            continue;
        }
        let method = route.method.as_str().to_owned();
        let path = openapi_path(&path);
        // The query parameters the route reads, against those the document declares.
        let taken: BTreeSet<String> = route
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter_map(|p| p.strip_prefix('<')?.strip_suffix('>'))
            .map(|p| p.trim_end_matches("..").to_owned())
            .collect();
        if let Some(operation) = doc["paths"][&path].get(method.to_lowercase()) {
            let declared: BTreeSet<String> = parameters(&doc, &path, operation)
                .into_iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            if declared != taken {
                differences.push(format!(
                    "{method} {path}: the route reads the query parameters {taken:?}, the document declares {declared:?}"
                ));
            }
        }
        mounted.insert((method, path));
    }
    let documented: BTreeSet<(String, String)> = operations(&doc, "/api/v1")
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    for (method, path) in mounted.difference(&documented) {
        differences.push(format!(
            "{method} {path} is mounted but not in src/web/openapi.json"
        ));
    }
    for (method, path) in documented.difference(&mounted) {
        differences.push(format!(
            "{method} {path} is in src/web/openapi.json but not mounted"
        ));
    }
    assert!(
        mounted.len() > 10,
        "only {} API routes found: {mounted:?}",
        mounted.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn every_path_parameter_is_declared_and_required() {
    let doc = document();
    let mut differences = Vec::new();
    for (method, path, operation) in operations(&doc, "/") {
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<&str> = parameters(&doc, &path, operation)
            .into_iter()
            .filter(|p| p["in"] == "path")
            .inspect(|p| {
                if p["required"] != true {
                    differences.push(format!("{method} {path}: path parameter {p} not required"));
                }
            })
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        if in_path != declared {
            differences.push(format!(
                "{method} {path}: the path has {in_path:?}, the parameters declare {declared:?}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Each API answer the document lists: errors are problem documents, and the answers every
/// operation of its kind can give are there (401 where a token is needed, 400/413/422 where a
/// body is read, 404 where an id is, 503 whenever the database is needed).
#[test]
fn every_api_operation_lists_its_errors_as_problem_documents() {
    let doc = document();
    let problem = &doc["components"]["schemas"]["Problem"];
    assert_eq!(
        problem["required"],
        serde_json::json!(["type", "title", "status", "detail"])
    );
    assert_eq!(
        resolve(&doc, &problem["properties"]["errors"]["items"])["required"],
        serde_json::json!(["field", "message"])
    );
    let mut differences = Vec::new();
    for (method, path, operation) in operations(&doc, "/api/v1") {
        let responses = operation["responses"].as_object().expect("responses");
        let code = |c: &str| responses.contains_key(c);
        for (status, response) in responses {
            let response = resolve(&doc, response);
            if status.starts_with('4') || status.starts_with('5') {
                let content = response["content"].as_object();
                let types: Vec<&String> = content.into_iter().flat_map(|c| c.keys()).collect();
                let schema = &response["content"]["application/problem+json"]["schema"]["$ref"];
                if types != ["application/problem+json"] || schema != "#/components/schemas/Problem"
                {
                    differences.push(format!(
                        "{method} {path} {status}: answered as {types:?}, not as a Problem"
                    ));
                }
            }
            if response["description"].as_str().is_none_or(str::is_empty) {
                differences.push(format!("{method} {path} {status}: no description"));
            }
        }
        let public = operation["security"] == serde_json::json!([]);
        let mut expected = vec!["503"];
        if !public {
            expected.push("401");
        }
        if operation.get("requestBody").is_some() {
            expected.extend(["400", "413", "422"]);
        }
        if path.contains('{') {
            expected.push("404");
        }
        let takes_if_match = parameters(&doc, &path, operation)
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == "If-Match");
        if takes_if_match {
            expected.extend(["412", "428"]);
        }
        for status in expected {
            if !code(status) {
                differences.push(format!("{method} {path}: {status} is not listed"));
            }
        }
        if !responses.keys().any(|s| s.starts_with('2')) {
            differences.push(format!("{method} {path}: no success answer"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn rocket_paths_become_openapi_paths() {
    assert_eq!(
        openapi_path("/api/v1/claims/<id>/history"),
        "/api/v1/claims/{id}/history"
    );
    assert_eq!(openapi_path("/api/v1/claims.csv"), "/api/v1/claims.csv");
}
