// The example port: a tiny micrograd Value in C++, correct, written for the
// kit.  Replace it with your own port (and adapter.hpp with your adapter).
#pragma once
#include <cmath>
#include <functional>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    double data, grad = 0;
    std::vector<ValuePtr> prev;
    std::function<void()> backward_step = [] {};

    explicit Value(double x, std::vector<ValuePtr> children = {}) : data(x), prev(std::move(children)) {}

    // A long chain is freed with a loop: the default, one call per node, overflows the stack.
    ~Value() {
        std::vector<ValuePtr> stack = std::move(prev);
        while (!stack.empty()) {
            ValuePtr node = std::move(stack.back());
            stack.pop_back();
            if (node.use_count() == 1) {
                for (ValuePtr& child : node->prev) stack.push_back(std::move(child));
                node->prev.clear();
            }
        }
    }

    // One depth-first walk with an explicit stack, children in argument
    // order, then each node's backward step from the output down.
    void backward() {
        std::vector<Value*> topo, nodes{this};
        std::vector<size_t> next{0};
        std::unordered_set<Value*> visited{this};
        while (!nodes.empty()) {
            Value* node = nodes.back();
            if (next.back() < node->prev.size()) {
                Value* child = node->prev[next.back()++].get();
                if (visited.insert(child).second) {
                    nodes.push_back(child);
                    next.push_back(0);
                }
            } else {
                nodes.pop_back();
                next.pop_back();
                topo.push_back(node);
            }
        }
        grad = 1;
        for (auto it = topo.rbegin(); it != topo.rend(); ++it) (*it)->backward_step();
    }
};

inline ValuePtr node(double x, std::vector<ValuePtr> children, std::function<void(Value*)> step) {
    auto out = std::make_shared<Value>(x, std::move(children));
    Value* self = out.get();
    out->backward_step = [self, step] { step(self); };
    return out;
}

inline ValuePtr operator+(const ValuePtr& a, const ValuePtr& b) {
    return node(a->data + b->data, {a, b}, [a = a.get(), b = b.get()](Value* out) {
        a->grad += out->grad;
        b->grad += out->grad;
    });
}

inline ValuePtr operator-(const ValuePtr& a, const ValuePtr& b) {
    return node(a->data - b->data, {a, b}, [a = a.get(), b = b.get()](Value* out) {
        a->grad += out->grad;
        b->grad += -out->grad;
    });
}

inline ValuePtr operator*(const ValuePtr& a, const ValuePtr& b) {
    return node(a->data * b->data, {a, b}, [a = a.get(), b = b.get()](Value* out) {
        a->grad += b->data * out->grad;
        b->grad += a->data * out->grad;
    });
}

inline ValuePtr operator/(const ValuePtr& a, const ValuePtr& b) {
    return node(a->data / b->data, {a, b}, [a = a.get(), b = b.get()](Value* out) {
        a->grad += out->grad / b->data;
        b->grad += -out->grad * (out->data / b->data);
    });
}

// d/db is 0 where a = 0 and b >= 0
inline ValuePtr pow(const ValuePtr& a, const ValuePtr& b) {
    return node(std::pow(a->data, b->data), {a, b}, [a = a.get(), b = b.get()](Value* out) {
        if (b->data != 0) a->grad += out->grad * (b->data * std::pow(a->data, b->data - 1));
        b->grad += out->grad * (a->data == 0 && b->data >= 0 ? 0.0 : out->data * std::log(a->data));
    });
}

inline ValuePtr operator-(const ValuePtr& a) {
    return node(-a->data, {a}, [a = a.get()](Value* out) { a->grad += -out->grad; });
}

inline ValuePtr relu(const ValuePtr& a) {
    return node(a->data < 0 ? 0.0 : a->data, {a}, [a = a.get()](Value* out) {
        if (!(out->data <= 0)) a->grad += out->grad;
    });
}

inline ValuePtr tanh(const ValuePtr& a) {
    return node(std::tanh(a->data), {a}, [a = a.get()](Value* out) {
        double t = out->data;
        a->grad += out->grad * ((1 - t) * (1 + t));
    });
}

inline ValuePtr exp(const ValuePtr& a) {
    return node(std::exp(a->data), {a}, [a = a.get()](Value* out) { a->grad += out->grad * out->data; });
}

inline ValuePtr log(const ValuePtr& a) {
    return node(std::log(a->data), {a}, [a = a.get()](Value* out) { a->grad += out->grad / a->data; });
}

