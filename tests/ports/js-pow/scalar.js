// A test port in JavaScript whose pow is the language's own `**`, as a
// student writes it: right everywhere but where JavaScript (and Java's
// Math.pow) part from C99: 1 ** NaN and (-1) ** +-Infinity are NaN, not 1.
"use strict";

class Value {
  constructor(data, children = []) {
    this.data = data;
    this.grad = 0;
    this._prev = children;
    this._backward = () => {};
  }

  static lift(x) {
    return x instanceof Value ? x : new Value(x);
  }

  add(other) {
    other = Value.lift(other);
    const out = new Value(this.data + other.data, [this, other]);
    out._backward = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }

  mul(other) {
    other = Value.lift(other);
    const out = new Value(this.data * other.data, [this, other]);
    out._backward = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }

  pow(other) {
    other = Value.lift(other);
    const out = new Value(this.data ** other.data, [this, other]);
    out._backward = () => {
      this.grad += other.data * this.data ** (other.data - 1) * out.grad;
      other.grad += Math.log(this.data) * out.data * out.grad;
    };
    return out;
  }

  backward() {
    const topo = [];
    const visited = new Set();
    const build = (v) => {
      if (!visited.has(v)) {
        visited.add(v);
        v._prev.forEach(build);
        topo.push(v);
      }
    };
    build(this);
    this.grad = 1;
    for (let k = topo.length - 1; k >= 0; k--) {
      topo[k]._backward();
    }
  }
}

module.exports = { Value };
