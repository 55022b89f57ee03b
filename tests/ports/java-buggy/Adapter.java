// The buggy Java port through the Java kit.
final class Adapter {
    static Scalar make(double x) { return Scalar.leaf(x); }
    static double data(Scalar v) { return v.value; }
    static double grad(Scalar v) { return v.gradient; }
    static void backward(Scalar v) { v.backpropagate(); }

    static Scalar add(Scalar a, Scalar b) { return new Scalar(a.value + b.value, '+', a, b); }
    static Scalar sub(Scalar a, Scalar b) { return new Scalar(a.value - b.value, '-', a, b); }
    static Scalar mul(Scalar a, Scalar b) { return new Scalar(a.value * b.value, '*', a, b); }
    static Scalar tanh(Scalar v) { return new Scalar(Math.tanh(v.value), 't', v); }
    // a number exponent only: the kit says so in the hello
    static Scalar pow(Scalar a, double n) { return Scalar.power(a, n); }
}
