// The example port's nn: micrograd's Neuron, Layer and MLP in Rust, written
// for the kit.  Replace it with your own (and nn.rs with how the kit reaches
// it).  Its weights start at 0: the check sets every parameter itself.
use super::super::value::Value;

struct Neuron {
    w: Vec<Value>,
    b: Value,
    act: String, // "relu", "tanh" or "linear"
}

impl Neuron {
    /// b + w0*x0 + w1*x1 + ..., as micrograd's sum() from the bias, then act.
    fn forward(&self, xs: &[Value]) -> Value {
        let act = self.w.iter().zip(xs).fold(self.b.clone(), |act, (w, x)| act.add(&w.mul(x)));
        match self.act.as_str() {
            "relu" => act.relu(),
            "tanh" => act.tanh(),
            _ => act,
        }
    }
}

pub struct MLP {
    layers: Vec<Vec<Neuron>>,
}

impl MLP {
    pub fn new(nin: usize, nouts: &[usize], hidden: &str, last: &str) -> MLP {
        let sizes: Vec<usize> = std::iter::once(nin).chain(nouts.iter().copied()).collect();
        let layers = (0..nouts.len())
            .map(|l| {
                let act = if l + 1 == nouts.len() { last } else { hidden };
                (0..sizes[l + 1])
                    .map(|_| Neuron { w: (0..sizes[l]).map(|_| Value::new(0.0)).collect(), b: Value::new(0.0), act: act.to_string() })
                    .collect()
            })
            .collect();
        MLP { layers }
    }

    pub fn forward(&self, xs: Vec<Value>) -> Vec<Value> {
        self.layers.iter().fold(xs, |xs, layer| layer.iter().map(|n| n.forward(&xs)).collect())
    }

    /// Layer by layer, neuron by neuron, its weights then its bias.
    pub fn parameters(&self) -> Vec<Value> {
        self.layers.iter().flatten().flat_map(|n| n.w.iter().chain([&n.b])).cloned().collect()
    }
}
