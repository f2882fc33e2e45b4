//! The front end reaches the shell only through `ui/src/lib/ipc.ts`. This test reads the command
//! list that `generate_handler!` registers, each command's parameters and result in
//! `src/commands.rs` and `src/updates.rs`, and the calls in `ipc.ts`, and fails when they disagree: a command missing on
//! either side, an argument named differently (Tauri passes `entry_id` as `entryId`), or a result
//! typed differently.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// A command as one side declares it: its arguments (camel-cased) and its result type, written
/// the TypeScript way. `None` for arguments means the raw request body.
#[derive(Debug, PartialEq)]
struct Signature {
    args: Option<Vec<String>>,
    result: String,
}

fn read(relative: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A Rust type as the generated bindings name it in TypeScript.
fn typescript(rust: &str) -> String {
    let rust = rust.trim();
    if let Some(inner) = rust
        .strip_prefix("IpcResult<")
        .and_then(|r| r.strip_suffix('>'))
    {
        return typescript(inner);
    }
    if let Some(inner) = rust.strip_prefix("Vec<").and_then(|r| r.strip_suffix('>')) {
        return format!("{}[]", typescript(inner));
    }
    if let Some(inner) = rust
        .strip_prefix("Option<")
        .and_then(|r| r.strip_suffix('>'))
    {
        return format!("{} | null", typescript(inner));
    }
    match rust {
        "()" => "null".into(),
        "String" => "string".into(),
        other => other.into(),
    }
}

/// The modules that declare commands.
const COMMAND_FILES: [&str; 4] = [
    "src/commands.rs",
    "src/updates.rs",
    "src/editing.rs",
    "src/plans.rs",
];

/// The commands `generate_handler!` registers, in `src/lib.rs`, by name without their module.
fn registered() -> Vec<String> {
    let lib = read("src/lib.rs");
    let start = lib.find("generate_handler![").expect("a handler list");
    let end = start + lib[start..].find(']').unwrap();
    lib[start + "generate_handler![".len()..end]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap().to_string())
        .collect()
}

/// The parameters of a list, split at the commas outside angle brackets (`State<'_, AppState>`
/// holds one).
fn top_level(params: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, c) in params.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(params[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(params[start..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// Each command's signature as the command modules declare it.
fn declared() -> BTreeMap<String, Signature> {
    let source: String = COMMAND_FILES.iter().map(|f| read(f)).collect();
    let mut out = BTreeMap::new();
    for chunk in source.split("#[tauri::command]").skip(1) {
        let after_fn = &chunk[chunk.find("fn ").unwrap() + 3..];
        let name = after_fn[..after_fn.find('(').unwrap()].to_string();
        // The parameter list ends at the first `) ->` or `) {`, whichever comes first.
        let params_end = [after_fn.find(") ->"), after_fn.find(") {")]
            .into_iter()
            .flatten()
            .min()
            .unwrap();
        let params = &after_fn[after_fn.find('(').unwrap() + 1..params_end];
        let result = after_fn[params_end + 1..]
            .split('{')
            .next()
            .unwrap()
            .trim()
            .trim_start_matches("->");
        let mut args = Some(Vec::new());
        for param in top_level(params) {
            let (arg, ty) = param.split_once(':').unwrap();
            let ty = ty.trim();
            if ty.starts_with("State<") || ty == "AppHandle" {
                continue;
            }
            if ty.starts_with("Request<") {
                args = None;
                continue;
            }
            if let Some(list) = args.as_mut() {
                list.push(camel(arg.trim()));
            }
        }
        let result = if result.trim().is_empty() {
            "()"
        } else {
            result
        };
        out.insert(
            name,
            Signature {
                args,
                result: typescript(result),
            },
        );
    }
    out
}

/// Each call in `ipc.ts`: `call<T>('name', { a, b })`, or a raw body in place of the object.
fn called() -> BTreeMap<String, Signature> {
    let ipc = read("../ui/src/lib/ipc.ts");
    let mut out = BTreeMap::new();
    for chunk in ipc.split("call<").skip(1) {
        let Some(close) = chunk.find(">('") else {
            continue;
        };
        let result = chunk[..close].to_string();
        let rest = &chunk[close + 3..];
        let name = rest[..rest.find('\'').unwrap()].to_string();
        let after = rest[rest.find('\'').unwrap() + 1..].trim_start();
        let args = if after.starts_with(')') {
            Some(Vec::new())
        } else {
            let after = after.trim_start_matches(',').trim_start();
            after.strip_prefix('{').map(|object| {
                object[..object.find('}').unwrap()]
                    .split(',')
                    .map(|a| a.split(':').next().unwrap().trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect()
            })
        };
        out.insert(name, Signature { args, result });
    }
    out
}

#[test]
fn ipc_ts_calls_exactly_the_registered_commands_with_their_signatures() {
    let declared = declared();
    let called = called();
    let mut registered = registered();
    registered.sort();
    assert_eq!(
        registered,
        declared.keys().cloned().collect::<Vec<_>>(),
        "generate_handler! and the #[tauri::command] functions differ"
    );
    assert_eq!(
        declared.keys().collect::<Vec<_>>(),
        called.keys().collect::<Vec<_>>(),
        "the commands ipc.ts calls differ from those registered"
    );
    for (name, signature) in &declared {
        assert_eq!(
            &called[name], signature,
            "`{name}` in ipc.ts and in commands.rs"
        );
    }
}

#[test]
fn the_reader_sees_every_shape_of_signature() {
    // The parsers above must find a command with no arguments, several, an optional result and
    // a unit result, or the comparison would pass by seeing nothing.
    let declared = declared();
    assert_eq!(declared["app_info"].args, Some(vec![]));
    assert_eq!(
        declared["open_attachment"].args,
        Some(vec!["entryId".to_string(), "name".to_string()])
    );
    assert_eq!(declared["install_pack"].result, "PackMeta | null");
    assert_eq!(declared["set_comfort"].result, "null");
    assert_eq!(declared["shortlist"].result, "ShortlistCard[]");
    assert_eq!(declared["go_back"].result, "PackMeta");
    assert!(declared.len() >= 17);
}
