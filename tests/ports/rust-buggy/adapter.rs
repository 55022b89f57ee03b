// The buggy Rust port through the Rust kit.
#[path = "value.rs"] mod value;
use crate::Op;
pub use value::V;
use value::node;
pub const NN: Option<crate::Nn<V>> = None; // no MLP

pub fn new(x: f64) -> V { value::leaf(x) }
pub fn data(v: &V) -> f64 { value::data(v) }
pub fn grad(v: &V) -> f64 { value::grad(v) }
pub fn backward(v: &V) { value::backward(v) }

pub fn op(name: &str) -> Option<Op<V>> {
    Some(match name {
        "add" => Op::Binary(|a, b| node(a.data + b.data, '+', vec![a, b])),
        "sub" => Op::Binary(|a, b| node(a.data - b.data, '-', vec![a, b])),
        "mul" => Op::Binary(|a, b| node(a.data * b.data, '*', vec![a, b])),
        "tanh" => Op::Unary(|v| node(v.data.tanh(), 't', vec![v])),
        // a number exponent only: the kit says so in the hello
        "pow" => Op::NumberExponent(value::power),
        _ => return None,
    })
}
