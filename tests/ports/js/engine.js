// A small micrograd port in JavaScript, written for the tests of the command
// protocol (harness/drivers/node_driver.js runs it; port.toml says how).
//
// It follows python_ref/engine.py: every op returns the IEEE-754 result,
// local gradients use the same formulas, and backward walks the graph with
// an explicit stack, children in argument order, so gradients accumulate in
// the same order.  Math.tanh, Math.exp, Math.log and ** are node's own (V8's
// libm, not glibc's), the one place results may differ from python_ref.
"use strict";

// C99 pow, where JavaScript's ** differs: 1 ** y is 1 even for a nan y, and
// (-1) ** +-Infinity is 1 (JavaScript gives NaN for both).
function cPow(x, y) {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) {
    return 1;
  }
  return x ** y;
}

// python_ref's ieee.log: log(0) is -inf, log of a negative number nan (Math.log agrees).
const log = Math.log;

class Value {
  constructor(data, children = [], op = "") {
    this.data = Number(data);
    this.grad = 0;
    this._backward = () => {};
    this._prev = children;   // argument order: backward depends on it
    this._op = op;
  }

  static lift(x) {
    return x instanceof Value ? x : new Value(x);
  }

  add(other) {
    other = Value.lift(other);
    const out = new Value(this.data + other.data, [this, other], "+");
    out._backward = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }

  sub(other) {
    other = Value.lift(other);
    const out = new Value(this.data - other.data, [this, other], "-");
    out._backward = () => {
      this.grad += out.grad;
      other.grad += -out.grad;
    };
    return out;
  }

  mul(other) {
    other = Value.lift(other);
    const out = new Value(this.data * other.data, [this, other], "*");
    out._backward = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }

  div(other) {
    other = Value.lift(other);
    const out = new Value(this.data / other.data, [this, other], "/");
    out._backward = () => {
      this.grad += out.grad / other.data;
      other.grad += -out.grad * (out.data / other.data);
    };
    return out;
  }

  pow(other) {
    if (other instanceof Value) {
      return this.powValue(other);
    }
    const n = Number(other);
    const out = new Value(cPow(this.data, n), [this], "**");
    out._backward = () => {
      if (n !== 0) {   // torch: the gradient of x**0 is 0 everywhere
        this.grad += out.grad * (n * cPow(this.data, n - 1));
      }
    };
    return out;
  }

  powValue(other) {
    const out = new Value(cPow(this.data, other.data), [this, other], "**");
    out._backward = () => {
      if (other.data !== 0) {
        this.grad += out.grad * (other.data * cPow(this.data, other.data - 1));
      }
      const local = (this.data === 0 && other.data >= 0) ? 0 : out.data * log(this.data);
      other.grad += out.grad * local;
    };
    return out;
  }

  neg() {
    const out = new Value(-this.data, [this], "neg");
    out._backward = () => {
      this.grad += -out.grad;
    };
    return out;
  }

  relu() {
    const out = new Value(this.data < 0 ? 0 : this.data, [this], "relu");
    out._backward = () => {
      if (!(out.data <= 0)) {   // torch: no gradient where the output is <= 0
        this.grad += out.grad;
      }
    };
    return out;
  }

  tanh() {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this], "tanh");
    out._backward = () => {
      this.grad += out.grad * ((1 - t) * (1 + t));
    };
    return out;
  }

  exp() {
    const out = new Value(Math.exp(this.data), [this], "exp");
    out._backward = () => {
      this.grad += out.grad * out.data;
    };
    return out;
  }

  log() {
    const out = new Value(log(this.data), [this], "log");
    out._backward = () => {
      this.grad += out.grad / this.data;
    };
    return out;
  }

  sigmoid() {
    const s = 1 / (1 + Math.exp(-this.data));
    const out = new Value(s, [this], "sigmoid");
    out._backward = () => {
      this.grad += out.grad * (1 - s) * s;
    };
    return out;
  }

  // start + v0 + v1 + ..., added left to right like the chain of add.
  static sum(values, start = 0) {
    start = Value.lift(start);
    let total = start.data;
    for (const v of values) {
      total += v.data;
    }
    const children = [start, ...values];
    const out = new Value(total, children, "sum");
    out._backward = () => {
      for (const child of children) {
        child.grad += out.grad;
      }
    };
    return out;
  }

  // start + w0*x0 + w1*x1 + ..., rounded like the chain of mul and add.
  static dot(ws, xs, start = 0) {
    if (ws.length !== xs.length) {
      throw new RangeError("dot needs two lists of the same length");
    }
    start = Value.lift(start);
    ws = ws.map(Value.lift);
    xs = xs.map(Value.lift);
    let total = start.data;
    for (let i = 0; i < ws.length; i++) {
      total += ws[i].data * xs[i].data;
    }
    const out = new Value(total, [start, ...ws, ...xs], "dot");
    out._backward = () => {
      const g = out.grad;
      start.grad += g;
      for (let i = 0; i < ws.length; i++) {
        ws[i].grad += xs[i].data * g;
        xs[i].grad += ws[i].data * g;
      }
    };
    return out;
  }

  // Every node below this one, children before parents: one depth-first walk
  // with an explicit stack, children in argument order.
  topologicalOrder() {
    const topo = [];
    const visited = new Set([this]);
    const nodes = [this];
    const nextChild = [0];
    while (nodes.length > 0) {
      const node = nodes[nodes.length - 1];
      const i = nextChild[nextChild.length - 1];
      if (i < node._prev.length) {
        nextChild[nextChild.length - 1] = i + 1;
        const child = node._prev[i];
        if (!visited.has(child)) {
          visited.add(child);
          nodes.push(child);
          nextChild.push(0);
        }
      } else {
        nodes.pop();
        nextChild.pop();
        topo.push(node);
      }
    }
    return topo;
  }

  backward() {
    const topo = this.topologicalOrder();
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) {
      topo[i]._backward();
    }
  }
}

module.exports = { Value };
