// The example port's nn: micrograd's Neuron, Layer and MLP in Java, written
// for the kit.  Replace it with your own (and Nn.java with how the kit
// reaches it).  Its weights start at 0: the check sets every parameter itself.
import java.util.ArrayList;
import java.util.List;

final class Mlp {
    private static final class Neuron {
        final List<Value> w = new ArrayList<>();
        final Value b = new Value(0);
        final String act;   // "relu", "tanh" or "linear"

        Neuron(int nin, String act) {
            for (int i = 0; i < nin; i++) {
                w.add(new Value(0));
            }
            this.act = act;
        }

        // b + w0*x0 + w1*x1 + ..., as micrograd's sum() from the bias, then act.
        Value forward(List<Value> xs) {
            Value out = b;
            for (int i = 0; i < w.size(); i++) {
                out = out.add(w.get(i).mul(xs.get(i)));
            }
            return act.equals("relu") ? out.relu() : act.equals("tanh") ? out.tanh() : out;
        }
    }

    private final List<List<Neuron>> layers = new ArrayList<>();

    Mlp(int nin, int[] nouts, String hidden, String last) {
        for (int l = 0; l < nouts.length; l++) {
            List<Neuron> layer = new ArrayList<>();
            for (int n = 0; n < nouts[l]; n++) {
                layer.add(new Neuron(nin, l == nouts.length - 1 ? last : hidden));
            }
            layers.add(layer);
            nin = nouts[l];
        }
    }

    List<Value> forward(List<Value> xs) {
        for (List<Neuron> layer : layers) {
            List<Value> out = new ArrayList<>();
            for (Neuron n : layer) {
                out.add(n.forward(xs));
            }
            xs = out;
        }
        return xs;
    }

    // Layer by layer, neuron by neuron, its weights then its bias.
    List<Value> parameters() {
        List<Value> ps = new ArrayList<>();
        for (List<Neuron> layer : layers) {
            for (Neuron n : layer) {
                ps.addAll(n.w);
                ps.add(n.b);
            }
        }
        return ps;
    }

    void zeroGrad() {
        for (Value p : parameters()) {
            p.grad = 0;
        }
    }
}
