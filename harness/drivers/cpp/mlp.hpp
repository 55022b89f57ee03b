// The example port's nn: micrograd's Neuron, Layer and MLP in C++, written
// for the kit.  Replace it with your own (and nn.hpp with how the kit
// reaches it).  Its weights start at 0: the check sets every parameter itself.
#pragma once
#include <string>
#include <vector>

#include "value.hpp"

struct Neuron {
    std::vector<ValuePtr> w;
    ValuePtr b = std::make_shared<Value>(0.0);
    std::string act;  // "relu", "tanh" or "linear"

    Neuron(int nin, std::string activation) : act(std::move(activation)) {
        for (int i = 0; i < nin; ++i) w.push_back(std::make_shared<Value>(0.0));
    }

    // b + w0*x0 + w1*x1 + ..., as micrograd's sum() from the bias, then act.
    ValuePtr forward(const std::vector<ValuePtr>& xs) const {
        ValuePtr out = b;
        for (size_t i = 0; i < w.size(); ++i) out = out + w[i] * xs[i];
        return act == "relu" ? relu(out) : act == "tanh" ? tanh(out) : out;
    }
};

struct MLP {
    std::vector<std::vector<Neuron>> layers;

    MLP(int nin, const std::vector<int>& nouts, const std::string& hidden, const std::string& last) {
        for (size_t l = 0; l < nouts.size(); ++l) {
            layers.emplace_back();
            for (int n = 0; n < nouts[l]; ++n) {  // each its own Values (a copy would share them)
                layers.back().emplace_back(nin, l + 1 == nouts.size() ? last : hidden);
            }
            nin = nouts[l];
        }
    }

    std::vector<ValuePtr> forward(std::vector<ValuePtr> xs) const {
        for (const auto& layer : layers) {
            std::vector<ValuePtr> out;
            for (const Neuron& n : layer) out.push_back(n.forward(xs));
            xs = out;
        }
        return xs;
    }

    // Layer by layer, neuron by neuron, its weights then its bias.
    std::vector<ValuePtr> parameters() const {
        std::vector<ValuePtr> ps;
        for (const auto& layer : layers) {
            for (const Neuron& n : layer) {
                ps.insert(ps.end(), n.w.begin(), n.w.end());
                ps.push_back(n.b);
            }
        }
        return ps;
    }

    void zero_grad() const {
        for (const ValuePtr& p : parameters()) p->grad = 0;
    }
};
