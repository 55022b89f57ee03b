// How the Java kit (Driver.java) reaches the port: fill this in for yours.
// Static methods: make, data, grad, backward, and one per op the port has,
// named like the op (add, mul, tanh...; sum and dot if it has them).
final class Adapter {
    static Value make(double x) { return new Value(x); }
    static double data(Value v) { return v.data; }
    static double grad(Value v) { return v.grad; }
    static void backward(Value v) { v.backward(); }

    static Value add(Value a, Value b) { return a.add(b); }
    static Value sub(Value a, Value b) { return a.sub(b); }
    static Value mul(Value a, Value b) { return a.mul(b); }
    static Value div(Value a, Value b) { return a.div(b); }
    static Value pow(Value a, Value b) { return a.pow(b); }
    static Value neg(Value v) { return v.neg(); }
    static Value relu(Value v) { return v.relu(); }
    static Value tanh(Value v) { return v.tanh(); }
    static Value exp(Value v) { return v.exp(); }
    static Value log(Value v) { return v.log(); }
}
