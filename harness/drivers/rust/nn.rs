// The nn half of the adapter (optional: without it, adapter.rs says
// `pub const NN: Option<crate::Nn<V>> = None;`): the kinds of MLP the port
// builds (HIDDEN-LAST activations), and how the kit (main.rs) makes one and
// reaches its parameters, forward, zero_grad and a value's data.
#[path = "mlp.rs"] mod mlp; // your port's MLP
use super::V;
use crate::{Mlp, Nn};

pub const NN: Nn<V> = Nn { kinds: &["relu-linear", "tanh-tanh"], make, set_data: |v, x| v.set_data(x) };

fn make(nin: usize, nouts: &[usize], hidden: &str, last: &str) -> Box<dyn Mlp<V>> {
    Box::new(mlp::MLP::new(nin, nouts, hidden, last))
}

impl Mlp<V> for mlp::MLP {
    fn parameters(&self) -> Vec<V> { self.parameters() }
    fn forward(&self, xs: Vec<V>) -> Vec<V> { self.forward(xs) }
    fn zero_grad(&self) { self.parameters().iter().for_each(V::zero_grad) }
}
