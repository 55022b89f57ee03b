// A test port in Rust with one classic bug: every backward step ASSIGNS the
// gradient (grad = ...) instead of adding to it, so a node used twice keeps
// only its last contribution.  It has add, sub, mul, tanh and pow with a
// number exponent only (adapter.rs's pow is an Op::NumberExponent); it refuses a
// nan leaf and prints on stdout in backward, which the kit must turn into an
// error reply and send to stderr.  main.rs and ops.rs are the Rust kit's own
// (links).
use std::cell::Cell;
use std::rc::Rc;

pub struct Node {
    pub data: f64,
    grad: Cell<f64>,
    op: char,
    args: Vec<Rc<Node>>,
    exponent: f64,
}

pub type V = Rc<Node>;

pub fn leaf(x: f64) -> V {
    if x.is_nan() {
        panic!("leaf: nan is not a number");
    }
    node(x, ' ', vec![])
}

pub fn node(data: f64, op: char, args: Vec<V>) -> V {
    Rc::new(Node { data, grad: Cell::new(0.0), op, args, exponent: 0.0 })
}

pub fn power(a: V, n: f64) -> V {
    Rc::new(Node { data: a.data.powf(n), grad: Cell::new(0.0), op: '^', args: vec![a], exponent: n })
}

pub fn data(v: &V) -> f64 {
    v.data
}

pub fn grad(v: &V) -> f64 {
    v.grad.get()
}

pub fn backward(v: &V) {
    println!("backward from {}", v.data); // stdout: the kit sends it to stderr
    let mut order: Vec<V> = Vec::new();
    visit(v, &mut order);
    v.grad.set(1.0);
    for n in order.iter().rev() {
        let (g, a) = (n.grad.get(), &n.args);
        match n.op {
            '+' => { a[0].grad.set(g); a[1].grad.set(g); } // the bug: set where add belongs
            '-' => { a[0].grad.set(g); a[1].grad.set(-g); }
            '*' => { a[0].grad.set(a[1].data * g); a[1].grad.set(a[0].data * g); }
            't' => a[0].grad.set(g * ((1.0 - n.data) * (1.0 + n.data))),
            '^' => a[0].grad.set(g * (n.exponent * a[0].data.powf(n.exponent - 1.0))),
            _ => {}
        }
    }
}

fn visit(v: &V, order: &mut Vec<V>) {
    if order.iter().any(|o| Rc::ptr_eq(o, v)) {
        return;
    }
    for a in &v.args {
        visit(a, order);
    }
    order.push(v.clone());
}
