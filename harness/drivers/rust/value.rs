// The example port: a tiny micrograd Value in Rust, correct, written for the
// kit.  Replace it with your own port (and adapter.rs with your adapter).
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

#[derive(Clone, Copy)]
enum Kind {
    Leaf,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Neg,
    Relu,
    Tanh,
    Exp,
    Log,
}

struct Node {
    data: f64,
    grad: f64,
    prev: Vec<Value>,
    kind: Kind,
}

#[derive(Clone)]
pub struct Value(Rc<RefCell<Node>>);

impl Value {
    pub fn new(data: f64) -> Value {
        Value::node(data, vec![], Kind::Leaf)
    }
    fn node(data: f64, prev: Vec<Value>, kind: Kind) -> Value {
        Value(Rc::new(RefCell::new(Node { data, grad: 0.0, prev, kind })))
    }
    pub fn data(&self) -> f64 {
        self.0.borrow().data
    }
    pub fn grad(&self) -> f64 {
        self.0.borrow().grad
    }
    pub fn set_data(&self, x: f64) {
        self.0.borrow_mut().data = x;
    }
    pub fn zero_grad(&self) {
        self.0.borrow_mut().grad = 0.0;
    }

    pub fn add(&self, b: &Value) -> Value {
        Value::node(self.data() + b.data(), vec![self.clone(), b.clone()], Kind::Add)
    }
    pub fn sub(&self, b: &Value) -> Value {
        Value::node(self.data() - b.data(), vec![self.clone(), b.clone()], Kind::Sub)
    }
    pub fn mul(&self, b: &Value) -> Value {
        Value::node(self.data() * b.data(), vec![self.clone(), b.clone()], Kind::Mul)
    }
    pub fn div(&self, b: &Value) -> Value {
        Value::node(self.data() / b.data(), vec![self.clone(), b.clone()], Kind::Div)
    }
    pub fn pow(&self, b: &Value) -> Value {
        Value::node(self.data().powf(b.data()), vec![self.clone(), b.clone()], Kind::Pow)
    }
    pub fn neg(&self) -> Value {
        Value::node(-self.data(), vec![self.clone()], Kind::Neg)
    }
    pub fn relu(&self) -> Value {
        let x = self.data();
        Value::node(if x < 0.0 { 0.0 } else { x }, vec![self.clone()], Kind::Relu)
    }
    pub fn tanh(&self) -> Value {
        Value::node(self.data().tanh(), vec![self.clone()], Kind::Tanh)
    }
    pub fn exp(&self) -> Value {
        Value::node(self.data().exp(), vec![self.clone()], Kind::Exp)
    }
    pub fn log(&self) -> Value {
        Value::node(self.data().ln(), vec![self.clone()], Kind::Log)
    }

    /// What this node adds to each child's gradient (None: nothing).
    fn step(&self) {
        let n = self.0.borrow();
        let (g, out) = (n.grad, n.data);
        let d: Vec<f64> = n.prev.iter().map(Value::data).collect();
        let adds: Vec<Option<f64>> = match n.kind {
            Kind::Leaf => vec![],
            Kind::Add => vec![Some(g), Some(g)],
            Kind::Sub => vec![Some(g), Some(-g)],
            Kind::Mul => vec![Some(d[1] * g), Some(d[0] * g)],
            Kind::Div => vec![Some(g / d[1]), Some(-g * (out / d[1]))],
            Kind::Pow => vec![
                if d[1] != 0.0 { Some(g * (d[1] * d[0].powf(d[1] - 1.0))) } else { None },
                Some(g * if d[0] == 0.0 && d[1] >= 0.0 { 0.0 } else { out * d[0].ln() }),
            ],
            Kind::Neg => vec![Some(-g)],
            Kind::Relu => vec![if !(out <= 0.0) { Some(g) } else { None }],
            Kind::Tanh => vec![Some(g * ((1.0 - out) * (1.0 + out)))],
            Kind::Exp => vec![Some(g * out)],
            Kind::Log => vec![Some(g / d[0])],
        };
        for (child, add) in n.prev.iter().zip(adds) {
            if let Some(add) = add {
                child.0.borrow_mut().grad += add;
            }
        }
    }

    /// One depth-first walk with an explicit stack, children in argument
    /// order, then each node's step from the output down.
    pub fn backward(&self) {
        let mut topo: Vec<Value> = Vec::new();
        let mut visited: HashSet<*const RefCell<Node>> = HashSet::new();
        visited.insert(Rc::as_ptr(&self.0));
        let mut stack: Vec<(Value, usize)> = vec![(self.clone(), 0)];
        while let Some((node, i)) = stack.pop() {
            let child = node.0.borrow().prev.get(i).cloned();
            match child {
                Some(child) => {
                    stack.push((node, i + 1));
                    if visited.insert(Rc::as_ptr(&child.0)) {
                        stack.push((child, 0));
                    }
                }
                None => topo.push(node),
            }
        }
        self.0.borrow_mut().grad = 1.0;
        for node in topo.iter().rev() {
            node.step();
        }
    }
}

// A long chain is freed with a loop: the default, one call per node, overflows the stack.
impl Drop for Node {
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.prev);
        while let Some(value) = stack.pop() {
            if let Ok(cell) = Rc::try_unwrap(value.0) {
                stack.append(&mut cell.into_inner().prev);
            }
        }
    }
}
