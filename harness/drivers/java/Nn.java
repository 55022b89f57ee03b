// The nn half of the adapter (optional: delete this file if your port has no
// MLP): the kinds of MLP it builds (HIDDEN-LAST activations), and how the kit
// (Driver.java) makes one and reaches its parameters, forward, zero_grad and
// a Value's data.
import java.util.List;

final class Nn {
    static String[] kinds() { return new String[] {"relu-linear", "tanh-tanh"}; }
    static Mlp mlp(int nin, int[] nouts, String hidden, String last) { return new Mlp(nin, nouts, hidden, last); }
    static List<Value> parameters(Mlp m) { return m.parameters(); }
    static List<Value> forward(Mlp m, List<Value> xs) { return m.forward(xs); }
    static void zeroGrad(Mlp m) { m.zeroGrad(); }
    static void setData(Value v, double x) { v.data = x; }
}
