// The Rust kit of the micrograd parity lab: it speaks the port protocol
// (docs/protocol.md) for the port that adapter.rs reaches.  Do not edit
// this file; fill in adapter.rs.
//
// adapter.rs gives the port's value type V (Clone), new, data, grad and
// backward, and op(name): the port's function for each op it has, as an Op
// of the shape ops.rs (generated from harness/ops.py) gives that op.  A
// number argument is made a value with new first.  An op the adapter does
// not give is unsupported: the kit never builds one op from others.
//
// Lines of any length; numbers that cross exactly ("inf", "-inf", "nan",
// "-0.0" as strings, finite ones in the shortest form that reads back); a
// panic of the port becomes an `error` reply; what it prints goes to stderr.
// Built with rustc alone (no cargo, no crates), Rust 1.63 or later.
mod adapter;
mod ops;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, Write};
use std::os::unix::io::FromRawFd;
use std::panic::{self, AssertUnwindSafe};

/// How an op takes its arguments.
#[derive(Debug, PartialEq)]
pub enum Shape {
    Unary,
    Binary,
    Terms, // sum: start, v1..vn
    Pairs, // dot: start, w1..wn, x1..xn
}

/// One op of the port, as the adapter gives it.
pub enum Op<V> {
    Unary(fn(V) -> V),
    Binary(fn(V, V) -> V),
    Terms(fn(V, Vec<V>) -> V),
    Pairs(fn(V, Vec<V>, Vec<V>) -> V),
}

impl<V> Op<V> {
    fn shape(&self) -> Shape {
        match self {
            Op::Unary(_) => Shape::Unary,
            Op::Binary(_) => Shape::Binary,
            Op::Terms(_) => Shape::Terms,
            Op::Pairs(_) => Shape::Pairs,
        }
    }

    fn apply(&self, mut a: Vec<V>) -> V {
        let start = a.remove(0);
        match self {
            Op::Unary(f) => f(start),
            Op::Binary(f) => f(start, a.remove(0)),
            Op::Terms(f) => f(start, a),
            Op::Pairs(f) => {
                let xs = a.split_off(a.len() / 2);
                f(start, a, xs)
            }
        }
    }
}

// -- a reader of the JSON the harness sends ------------------------------------

enum Json {
    Number(f64),
    Text(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
    Other,
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|m| m.0 == key).map(|m| &m.1),
            _ => None,
        }
    }
    fn items(&self) -> &[Json] {
        match self {
            Json::Array(items) => items,
            _ => &[],
        }
    }
    fn text(&self) -> &str {
        match self {
            Json::Text(text) => text,
            _ => "",
        }
    }
}

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn value(&mut self) -> Json {
        self.skip();
        match self.s[self.at] {
            b'{' => {
                let mut members = Vec::new();
                self.at += 1;
                while self.more(b'}') {
                    let key = self.string();
                    self.skip();
                    self.at += 1; // the colon
                    members.push((key, self.value()));
                }
                Json::Object(members)
            }
            b'[' => {
                let mut items = Vec::new();
                self.at += 1;
                while self.more(b']') {
                    items.push(self.value());
                }
                Json::Array(items)
            }
            b'"' => Json::Text(self.string()),
            _ => {
                let start = self.at;
                while self.at < self.s.len() && !b",]} \t\r\n".contains(&self.s[self.at]) {
                    self.at += 1;
                }
                let word = std::str::from_utf8(&self.s[start..self.at]).unwrap_or("");
                word.parse().map(Json::Number).unwrap_or(Json::Other)
            }
        }
    }

    // Before each member: true if one follows, false (and past the bracket) at the end.
    fn more(&mut self, close: u8) -> bool {
        self.skip();
        if self.s[self.at] == b',' {
            self.at += 1;
            self.skip();
        }
        if self.s[self.at] == close {
            self.at += 1;
            return false;
        }
        true
    }

    fn string(&mut self) -> String {
        self.skip();
        self.at += 1; // the opening quote
        let mut units: Vec<u16> = Vec::new();
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let c = self.s[self.at];
            self.at += 1;
            if c == b'"' {
                break;
            }
            if c != b'\\' {
                bytes.push(c);
                continue;
            }
            let e = self.s[self.at];
            self.at += 1;
            if e == b'u' {
                let hex = std::str::from_utf8(&self.s[self.at..self.at + 4]).unwrap_or("0");
                units.push(u16::from_str_radix(hex, 16).unwrap_or(0xFFFD));
                self.at += 4;
                if self.s.get(self.at) != Some(&b'\\') || self.s.get(self.at + 1) != Some(&b'u') {
                    bytes.extend(String::from_utf16_lossy(&units).bytes());
                    units.clear();
                }
                continue;
            }
            let pairs = [(b'b', 8u8), (b'f', 12), (b'n', b'\n'), (b'r', b'\r'), (b't', b'\t')];
            bytes.push(pairs.iter().find(|p| p.0 == e).map(|p| p.1).unwrap_or(e));
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn skip(&mut self) {
        while self.at < self.s.len() && b" \t\r\n".contains(&self.s[self.at]) {
            self.at += 1;
        }
    }
}

// -- writing ---------------------------------------------------------------------

/// A double as the protocol writes it: Rust's {:?} is the shortest form that reads back.
fn wire(x: f64) -> String {
    if x.is_nan() {
        "\"nan\"".into()
    } else if x.is_infinite() {
        (if x > 0.0 { "\"inf\"" } else { "\"-inf\"" }).into()
    } else if x == 0.0 && x.is_sign_negative() {
        "\"-0.0\"".into()
    } else {
        format!("{:?}", x)
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

// -- answering ---------------------------------------------------------------------

fn number(arg: &Json) -> Option<f64> {
    match arg {
        Json::Number(x) => Some(*x),
        Json::Text(t) if t == "inf" => Some(f64::INFINITY),
        Json::Text(t) if t == "-inf" => Some(f64::NEG_INFINITY),
        Json::Text(t) if t == "nan" => Some(f64::NAN),
        Json::Text(t) if t == "-0.0" => Some(-0.0),
        _ => None,
    }
}

fn run(program: &Json, ops: &HashMap<&str, Op<adapter::V>>) -> String {
    let mut nodes: HashMap<String, adapter::V> = HashMap::new();
    let mut order: Vec<adapter::V> = Vec::new();
    let value = |arg: &Json, nodes: &HashMap<String, adapter::V>| match number(arg) {
        Some(x) => adapter::new(x),
        None => nodes[arg.text()].clone(),
    };
    for input in program.get("inputs").map(Json::items).unwrap_or(&[]) {
        let v = value(&input.items()[1], &nodes);
        nodes.insert(input.items()[0].text().to_string(), v.clone());
        order.push(v);
    }
    for step in program.get("steps").map(Json::items).unwrap_or(&[]) {
        let s = step.items();
        let args = s[2].items().iter().map(|a| value(a, &nodes)).collect();
        let v = ops[s[1].text()].apply(args);
        nodes.insert(s[0].text().to_string(), v.clone());
        order.push(v);
    }
    let calls = match program.get("backward_calls") {
        Some(Json::Number(n)) => *n as usize,
        _ => 1,
    };
    for _ in 0..calls {
        adapter::backward(&nodes[program.get("output").map(Json::text).unwrap_or("")]);
    }
    let pairs: Vec<String> = order
        .iter()
        .map(|v| format!("[{},{}]", wire(adapter::data(v)), wire(adapter::grad(v))))
        .collect();
    pairs.join(",")
}

fn answer(line: &str, ops: &HashMap<&str, Op<adapter::V>>) -> String {
    let program = Reader { s: line.as_bytes(), at: 0 }.value();
    let id = match program.get("id") {
        Some(Json::Number(n)) => *n as u64,
        _ => 0,
    };
    for step in program.get("steps").map(Json::items).unwrap_or(&[]) {
        let op = step.items()[1].text();
        if !ops.contains_key(op) {
            return format!(
                "{{\"kind\":\"unsupported\",\"id\":{},\"op\":{},\"message\":{}}}",
                id,
                quote(op),
                quote(&format!("adapter.rs gives no op {}", op))
            );
        }
    }
    match panic::catch_unwind(AssertUnwindSafe(|| run(&program, ops))) {
        Ok(nodes) => format!("{{\"kind\":\"result\",\"id\":{},\"nodes\":[{}]}}", id, nodes),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_string());
            format!("{{\"kind\":\"error\",\"id\":{},\"message\":{}}}", id, quote(&format!("panic: {}", message)))
        }
    }
}

extern "C" {
    fn dup(fd: i32) -> i32;
    fn dup2(from: i32, to: i32) -> i32;
}

fn main() {
    // The protocol owns stdout: the port's prints (println!) go to stderr.
    let mut protocol = io::BufWriter::new(unsafe { File::from_raw_fd(dup(1)) });
    unsafe { dup2(2, 1) };
    let args: Vec<String> = std::env::args().collect();
    let name = if args.len() == 3 && args[1] == "--name" { args[2].clone() } else { "rust port".to_string() };
    let mut ops = HashMap::new();
    for (op, shape) in ops::OPS {
        if let Some(function) = adapter::op(op) {
            if function.shape() != *shape {
                eprintln!("rust kit: adapter.rs: op {} takes its arguments as {:?}, not {:?}", op, shape, function.shape());
                std::process::exit(2);
            }
            ops.insert(*op, function);
        }
    }
    let mut names: Vec<&&str> = ops.keys().collect();
    names.sort();
    let listed: Vec<String> = names.iter().map(|n| quote(n)).collect();
    let version = format!("Rust ({} {})", std::env::consts::OS, std::env::consts::ARCH);
    writeln!(
        protocol,
        "{{\"kind\":\"hello\",\"protocol\":1,\"name\":{},\"language\":\"rust\",\"version\":{},\"ops\":[{}]}}",
        quote(&name),
        quote(&version),
        listed.join(",")
    )
    .and_then(|_| protocol.flush())
    .expect("stdout");
    let stdin = io::stdin();
    let mut line = String::new();
    while stdin.lock().read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
        // lines of any length
        if !line.trim().is_empty() {
            let reply = answer(&line, &ops);
            if writeln!(protocol, "{}", reply).and_then(|_| protocol.flush()).is_err() {
                return;
            }
        }
        line.clear();
    }
}
