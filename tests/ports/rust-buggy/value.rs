// A test port in Rust with one classic bug: every backward step ASSIGNS the
// gradient (grad = ...) instead of adding to it, so a node used twice keeps
// only its last contribution.  It has add, sub, mul and tanh; it refuses a
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
}

pub type V = Rc<Node>;

pub fn leaf(x: f64) -> V {
    if x.is_nan() {
        panic!("leaf: nan is not a number");
    }
    node(x, ' ', vec![])
}

pub fn node(data: f64, op: char, args: Vec<V>) -> V {
    Rc::new(Node { data, grad: Cell::new(0.0), op, args })
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
