// A test port in Java with one classic bug: every backward step ASSIGNS the
// gradient (grad = ...) instead of adding to it, so a node used twice keeps
// only its last contribution.  It has add, sub, mul, tanh and pow with a
// number exponent only (Adapter.java's pow takes a double); it refuses a
// nan leaf and prints on stdout in backward, which the kit must turn into an
// error reply and send to stderr.  Driver.java is the Java kit's own (a
// link).
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

final class Scalar {
    final double value;
    double gradient;
    final char op;
    final Scalar[] from;
    double exponent;

    Scalar(double value, char op, Scalar... from) {
        this.value = value;
        this.op = op;
        this.from = from;
    }

    static Scalar power(Scalar a, double n) {
        Scalar out = new Scalar(Math.pow(a.value, n), '^', a);
        out.exponent = n;
        return out;
    }

    static Scalar leaf(double x) {
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("leaf: nan is not a number");
        }
        return new Scalar(x, ' ');
    }

    void backpropagate() {
        System.out.println("backward from " + value);   // stdout: the kit sends it to stderr
        List<Scalar> order = new ArrayList<>();
        sort(this, new HashSet<>(), order);
        gradient = 1;
        for (int i = order.size() - 1; i >= 0; i--) {
            Scalar n = order.get(i);
            switch (n.op) {
                case '+': n.from[0].gradient = n.gradient; n.from[1].gradient = n.gradient; break;  // the bug: = where += belongs
                case '-': n.from[0].gradient = n.gradient; n.from[1].gradient = -n.gradient; break;
                case '*': n.from[0].gradient = n.from[1].value * n.gradient; n.from[1].gradient = n.from[0].value * n.gradient; break;
                case 't': n.from[0].gradient = n.gradient * ((1 - n.value) * (1 + n.value)); break;
                case '^': n.from[0].gradient = n.gradient * (n.exponent * Math.pow(n.from[0].value, n.exponent - 1)); break;
                default: break;
            }
        }
    }

    private static void sort(Scalar n, Set<Scalar> seen, List<Scalar> order) {
        if (seen.add(n)) {
            for (Scalar child : n.from) {
                sort(child, seen, order);
            }
            order.add(n);
        }
    }
}
