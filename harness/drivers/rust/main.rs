// The Rust kit of the micrograd parity lab: it speaks the port protocol
// (docs/protocol.md) for the port that adapter.rs reaches.  Do not edit
// this file; fill in adapter.rs.
//
// adapter.rs gives the port's value type V (Clone), new, data, grad and
// backward, and op(name): the port's function for each op it has, as an Op
// of the shape ops.rs (generated from harness/ops.py) gives that op.  A
// number argument is made a value with new first.  pow may be an
// Op::NumberExponent instead, for a port whose pow takes a number exponent
// only (micrograd's assert): the hello says so ("pow": "number-exponent"),
// and a Value exponent is unsupported.  An op the adapter does not give is
// unsupported: the kit never builds one op from others.
//
// The nn half (an `mlp` request) is optional: adapter.rs's NN is Some(an
// Nn) that nn.rs gives (the kinds of MLP the port builds, how to make one
// and set a value's data; the MLP itself an Mlp), or None.
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
    NumberExponent(fn(V, f64) -> V), // pow with a number exponent only
}

impl<V> Op<V> {
    fn shape(&self) -> Shape {
        match self {
            Op::Unary(_) => Shape::Unary,
            Op::Binary(_) | Op::NumberExponent(_) => Shape::Binary,
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
            Op::NumberExponent(_) => unreachable!("run_steps calls it with its number"),
        }
    }
}

/// The port's MLP, as the kit reaches it (the nn half).
pub trait Mlp<V> {
    fn parameters(&self) -> Vec<V>;
    fn forward(&self, xs: Vec<V>) -> Vec<V>;
    fn zero_grad(&self);
}

/// The nn half of the adapter: the kinds of MLP (HIDDEN-LAST activations)
/// the port builds, how to make one of (nin, nouts, hidden, last), how to set
/// a value's data.
pub struct Nn<V> {
    pub kinds: &'static [&'static str],
    pub make: fn(usize, &[usize], &str, &str) -> Box<dyn Mlp<V>>,
    pub set_data: fn(&V, f64),
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

type Ops = HashMap<&'static str, Op<adapter::V>>;

fn value(arg: &Json, nodes: &HashMap<String, adapter::V>) -> adapter::V {
    match number(arg) {
        Some(x) => adapter::new(x),
        None => nodes[arg.text()].clone(),
    }
}

fn items<'a>(json: &'a Json, key: &str) -> &'a [Json] {
    json.get(key).map(Json::items).unwrap_or(&[])
}

/// Run a program's steps on nodes, each new node appended to order.
fn run_steps(nodes: &mut HashMap<String, adapter::V>, steps: &[Json], ops: &Ops, order: &mut Vec<adapter::V>) {
    for step in steps {
        let s = step.items();
        let a = s[2].items();
        let v = match ops[s[1].text()] {
            Op::NumberExponent(f) => f(value(&a[0], nodes), number(&a[1]).unwrap_or(f64::NAN)),
            ref op => op.apply(a.iter().map(|x| value(x, nodes)).collect()),
        };
        nodes.insert(s[0].text().to_string(), v.clone());
        order.push(v);
    }
}

fn run(program: &Json, ops: &Ops) -> String {
    let mut nodes: HashMap<String, adapter::V> = HashMap::new();
    let mut order: Vec<adapter::V> = Vec::new();
    for input in items(program, "inputs") {
        let v = value(&input.items()[1], &nodes);
        nodes.insert(input.items()[0].text().to_string(), v.clone());
        order.push(v);
    }
    run_steps(&mut nodes, items(program, "steps"), ops, &mut order);
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

// -- the nn half -------------------------------------------------------------------

/// The losses and every parameter's gradients after each pass of an mlp
/// request, as the fields of its reply.
fn run_mlp(request: &Json, nn: &Nn<adapter::V>, ops: &Ops) -> String {
    let numbers = |values: &[Json]| values.iter().map(|x| number(x).unwrap_or(f64::NAN)).collect::<Vec<f64>>();
    let sizes: Vec<usize> = numbers(items(request, "sizes")).iter().map(|&n| n as usize).collect();
    let kind = request.get("activations").map(Json::text).unwrap_or("");
    let (hidden, last) = kind.split_once('-').unwrap_or(("", ""));
    let model = (nn.make)(sizes[0], &sizes[1..], hidden, last);
    let given = numbers(items(request, "parameters"));
    let params = || {
        let found = model.parameters();
        if found.len() != given.len() {
            panic!("parameters() gives {} values; the MLP has {} parameters", found.len(), given.len());
        }
        found
    };
    for (p, x) in params().iter().zip(&given) {
        (nn.set_data)(p, *x);
    }
    let rate = request.get("learning_rate").and_then(number).unwrap_or(0.0);
    let passes = request.get("steps").and_then(number).unwrap_or(0.0) as usize + 1;
    let loss = request.get("loss").expect("the request has a loss");
    let (mut losses, mut gradients) = (Vec::new(), Vec::new());
    for pass in 0..passes {
        if pass > 0 {
            // micrograd's demo: p.data -= learning_rate * p.grad
            for p in params() {
                (nn.set_data)(&p, adapter::data(&p) - rate * adapter::grad(&p));
            }
        }
        let mut nodes = HashMap::new();
        for (i, row) in items(request, "inputs").iter().enumerate() {
            let xs = numbers(row.items()).into_iter().map(adapter::new).collect();
            for (j, v) in model.forward(xs).into_iter().enumerate() {
                nodes.insert(format!("out{}_{}", i, j), v);
            }
        }
        for (k, p) in params().into_iter().enumerate() {
            nodes.insert(format!("p{}", k), p);
        }
        run_steps(&mut nodes, items(loss, "steps"), ops, &mut Vec::new());
        let output = nodes[loss.get("output").map(Json::text).unwrap_or("")].clone();
        model.zero_grad();
        adapter::backward(&output);
        losses.push(wire(adapter::data(&output)));
        let grads: Vec<String> = params().iter().map(|p| wire(adapter::grad(p))).collect();
        gradients.push(format!("[{}]", grads.join(",")));
    }
    format!("\"losses\":[{}],\"gradients\":[{}]", losses.join(","), gradients.join(","))
}

// -- replies -------------------------------------------------------------------------

fn unsupported(id: u64, op: &str, message: &str) -> String {
    format!("{{\"kind\":\"unsupported\",\"id\":{},\"op\":{},\"message\":{}}}", id, quote(op), quote(message))
}

/// The reply of a request run by answering: its own, or an error for a panic.
fn caught(id: u64, answering: impl FnOnce() -> String) -> String {
    match panic::catch_unwind(AssertUnwindSafe(answering)) {
        Ok(reply) => reply,
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

fn answer(line: &str, ops: &Ops) -> String {
    let request = Reader { s: line.as_bytes(), at: 0 }.value();
    let id = match request.get("id") {
        Some(Json::Number(n)) => *n as u64,
        _ => 0,
    };
    let is_mlp = request.get("kind").map(Json::text) == Some("mlp");
    if is_mlp {
        let kind = request.get("activations").map(Json::text).unwrap_or("");
        match &adapter::NN {
            Some(nn) if nn.kinds.contains(&kind) => {}
            _ => return unsupported(id, "mlp", &format!("adapter.rs builds no {} MLP", kind)),
        }
    }
    let steps = if is_mlp { request.get("loss").map(|l| items(l, "steps")).unwrap_or(&[]) } else { items(&request, "steps") };
    for step in steps {
        let op = step.items()[1].text();
        if !ops.contains_key(op) {
            return unsupported(id, op, &format!("adapter.rs gives no op {}", op));
        }
        if matches!(ops[op], Op::NumberExponent(_)) && number(&step.items()[2].items()[1]).is_none() {
            return unsupported(id, op, "adapter.rs's pow takes a number exponent only");
        }
    }
    match &adapter::NN {
        Some(nn) if is_mlp => caught(id, || {
            format!("{{\"kind\":\"mlp_result\",\"id\":{},{}}}", id, run_mlp(&request, nn, ops))
        }),
        _ => caught(id, || format!("{{\"kind\":\"result\",\"id\":{},\"nodes\":[{}]}}", id, run(&request, ops))),
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
            if function.shape() != *shape || (matches!(function, Op::NumberExponent(_)) && *op != "pow") {
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
    let kinds: Vec<String> = adapter::NN.as_ref().map(|nn| nn.kinds).unwrap_or(&[]).iter().map(|k| quote(k)).collect();
    let mut nn = if kinds.is_empty() { String::new() } else { format!(",\"nn\":[{}]", kinds.join(",")) };
    if matches!(ops.get("pow"), Some(Op::NumberExponent(_))) {
        nn += ",\"pow\":\"number-exponent\"";
    }
    writeln!(
        protocol,
        "{{\"kind\":\"hello\",\"protocol\":1,\"name\":{},\"language\":\"rust\",\"version\":{},\"ops\":[{}]{}}}",
        quote(&name),
        quote(&version),
        listed.join(","),
        nn
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
