// How the Rust kit (main.rs) reaches the port: fill this in for yours.
// V is the port's value type; op(name) gives the port's function for each
// op it has (add, mul, tanh...; sum and dot if it has them), None otherwise.
#[path = "value.rs"] mod value; // your port
#[path = "nn.rs"] mod nn; // its MLP (optional: without nn.rs, NN is None)
use crate::Op;
pub use value::Value as V;
pub const NN: Option<crate::Nn<V>> = Some(nn::NN);

pub fn new(x: f64) -> V { V::new(x) }
pub fn data(v: &V) -> f64 { v.data() }
pub fn grad(v: &V) -> f64 { v.grad() }
pub fn backward(v: &V) { v.backward() }

pub fn op(name: &str) -> Option<Op<V>> {
    Some(match name {
        "add" => Op::Binary(|a, b| a.add(&b)),
        "sub" => Op::Binary(|a, b| a.sub(&b)),
        "mul" => Op::Binary(|a, b| a.mul(&b)),
        "div" => Op::Binary(|a, b| a.div(&b)),
        "pow" => Op::Binary(|a, b| a.pow(&b)),
        "neg" => Op::Unary(|v| v.neg()),
        "relu" => Op::Unary(|v| v.relu()),
        "tanh" => Op::Unary(|v| v.tanh()),
        "exp" => Op::Unary(|v| v.exp()),
        "log" => Op::Unary(|v| v.log()),
        _ => return None,
    })
}
