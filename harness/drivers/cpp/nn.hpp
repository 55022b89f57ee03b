// The nn half of the adapter (optional: delete this file if your port has no
// MLP): the kinds of MLP it builds (HIDDEN-LAST activations), and how the kit
// (driver.cpp) makes one and reaches its parameters, forward, zero_grad and
// a Value's data.
#pragma once
#include "mlp.hpp"  // your port's MLP

struct Nn {
    using M = std::shared_ptr<MLP>;
    using V = Port::V;
    static std::vector<std::string> kinds() { return {"relu-linear", "tanh-tanh"}; }
    static M mlp(int nin, std::vector<int> nouts, std::string hidden, std::string last) {
        return std::make_shared<MLP>(nin, nouts, hidden, last);
    }
    static std::vector<V> parameters(const M& m) { return m->parameters(); }
    static std::vector<V> forward(const M& m, std::vector<V> xs) { return m->forward(xs); }
    static void zero_grad(const M& m) { m->zero_grad(); }
    static void set_data(const V& v, double x) { v->data = x; }
};
