//! The judged query set in `tests/relevance/`, shared by the relevance test and the benchmark.

use std::collections::BTreeMap;
use std::fs;

use gati_core::search::Filters;
use gati_core::taxonomy::Family;
use serde::Deserialize;

use super::repo_root;

#[derive(Deserialize)]
struct QueryFile<Q> {
    query: Vec<Q>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judged {
    pub q: String,
    pub expect: Vec<String>,
    /// Entries that must not be in the top five: the guesses the query used to bring back.
    #[serde(default)]
    pub avoid: Vec<String>,
    #[serde(default)]
    filters: BTreeMap<String, toml::Value>,
}

/// A query on a subject the pack does not cover (`tests/relevance/uncovered/`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncovered {
    pub q: String,
    #[serde(default)]
    filters: BTreeMap<String, toml::Value>,
}

/// Every judged query in `tests/relevance/`, with the file it came from.
pub fn judged_queries() -> Vec<(String, Judged)> {
    queries_in("tests/relevance")
}

/// Every query in `tests/relevance/uncovered/`, with the file it came from.
pub fn uncovered_queries() -> Vec<(String, Uncovered)> {
    queries_in("tests/relevance/uncovered")
}

fn queries_in<Q: serde::de::DeserializeOwned>(folder: &str) -> Vec<(String, Q)> {
    let dir = repo_root().join(folder);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let parsed: QueryFile<Q> = toml::from_str(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.extend(parsed.query.into_iter().map(|q| (name.clone(), q)));
    }
    out
}

impl Judged {
    /// The query's filters as a search request takes them.
    pub fn filters(&self) -> Filters {
        filters_of(&self.q, &self.filters)
    }
}

impl Uncovered {
    pub fn filters(&self) -> Filters {
        filters_of(&self.q, &self.filters)
    }
}

fn filters_of(q: &str, given: &BTreeMap<String, toml::Value>) -> Filters {
    let mut filters = Filters::default();
    for (key, value) in given {
        let family =
            Family::from_key(key).unwrap_or_else(|| panic!("{q:?}: unknown filter `{key}`"));
        let codes = match value {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
            other => panic!("{q:?}: filter `{key}` is {other}"),
        };
        filters.get_mut(family).extend(codes);
    }
    filters
}
