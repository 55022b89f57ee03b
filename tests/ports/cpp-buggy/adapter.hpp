// The buggy C++ port through the C++ kit.
#pragma once
#include <stdexcept>
#include "tape.hpp"

struct Port {
    using V = Node*;
    static V make(double x) { return std::isnan(x) ? throw std::invalid_argument("leaf: nan is not a number") : record(x); }
    static double data(V v) { return v->data; }
    static double grad(V v) { return v->grad; }
    static void backward(V v) { ::backward(v); }

    static V add(V a, V b) { return record(a->data + b->data, '+', a, b); }
    static V sub(V a, V b) { return record(a->data - b->data, '-', a, b); }
    static V mul(V a, V b) { return record(a->data * b->data, '*', a, b); }
    static V tanh(V v) { return record(std::tanh(v->data), 't', v); }
    // a number exponent only: the kit says so in the hello
    static V pow(V a, double n) { return power(a, n); }
};
