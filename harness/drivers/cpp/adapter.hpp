// How the C++ kit (driver.cpp) reaches the port: fill this in for yours.
// struct Port: the value type V, make, data, grad, backward, and a static
// function per op the port has, named like the op (add, mul, tanh...; sum and
// dot if it has them: V sum(V, std::vector<V>), V dot(V, std::vector<V>, std::vector<V>)).
#pragma once
#include "value.hpp"

struct Port {
    using V = ValuePtr;
    static V make(double x) { return std::make_shared<Value>(x); }
    static double data(const V& v) { return v->data; }
    static double grad(const V& v) { return v->grad; }
    static void backward(const V& v) { v->backward(); }

    static V add(V a, V b) { return a + b; }
    static V sub(V a, V b) { return a - b; }
    static V mul(V a, V b) { return a * b; }
    static V div(V a, V b) { return a / b; }
    static V pow(V a, V b) { return ::pow(a, b); }
    static V neg(V v) { return -v; }
    static V relu(V v) { return ::relu(v); }
    static V tanh(V v) { return ::tanh(v); }
    static V exp(V v) { return ::exp(v); }
    static V log(V v) { return ::log(v); }
};
