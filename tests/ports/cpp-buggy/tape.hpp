// A test port in C++ with one classic bug: every backward step ASSIGNS the
// gradient (grad = ...) instead of adding to it, so a node used twice keeps
// only its last contribution.  It has add, sub, mul, tanh and pow with a
// number exponent only (adapter.hpp's pow takes a double); it refuses a
// nan leaf and prints on stdout in backward, which the kit must turn into an
// error reply and send to stderr.  Its nodes live in an arena that only
// grows.  driver.cpp and ops.hpp are the C++ kit's own (links).
#pragma once
#include <cmath>
#include <cstdio>
#include <iostream>
#include <deque>
#include <set>
#include <vector>

struct Node {
    double data, grad;
    char op;
    Node* a;
    Node* b;
    double exponent = 0;
};

inline std::deque<Node> arena;

inline Node* record(double data, char op = ' ', Node* a = nullptr, Node* b = nullptr) {
    arena.push_back(Node{data, 0, op, a, b});
    return &arena.back();
}

inline Node* power(Node* a, double n) {
    Node* out = record(std::pow(a->data, n), '^', a);
    out->exponent = n;
    return out;
}

inline void topological(Node* n, std::set<Node*>& seen, std::vector<Node*>& order) {
    if (!n || !seen.insert(n).second) return;
    topological(n->a, seen, order);
    topological(n->b, seen, order);
    order.push_back(n);
}

inline void backward(Node* out) {
    std::printf("backward from %g\n", out->data);  // stdout: the kit sends it to stderr
    std::cout << "backward from " << out->data << std::endl;
    std::set<Node*> seen;
    std::vector<Node*> order;
    topological(out, seen, order);
    out->grad = 1;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node* n = *it;
        if (n->op == '+') { n->a->grad = n->grad; n->b->grad = n->grad; }  // the bug: = where += belongs
        if (n->op == '-') { n->a->grad = n->grad; n->b->grad = -n->grad; }
        if (n->op == '*') { n->a->grad = n->b->data * n->grad; n->b->grad = n->a->data * n->grad; }
        if (n->op == 't') n->a->grad = n->grad * ((1 - n->data) * (1 + n->data));
        if (n->op == '^') n->a->grad = n->grad * (n->exponent * std::pow(n->a->data, n->exponent - 1));
    }
}
