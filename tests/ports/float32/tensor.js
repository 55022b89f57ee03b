// A test port in JavaScript with one classic bug: each Value keeps its data
// and gradient in a Float32Array, as code written for WebGL buffers does.
// Every number is rounded to single precision (24 significant bits, about
// 7 digits) each time it is stored, so 0.1 reads back as
// 0.10000000149011612 and the results drift from float64's.  The rest is
// micrograd's design (the number on the left of an operator is lifted by
// the driver, on the right by each method).
"use strict";

class Value {
  constructor(data, children = []) {
    this.store = new Float32Array(2);   // [data, grad]
    this.store[0] = data;
    this._prev = children;
    this._backward = () => {};
  }

  get data() { return this.store[0]; }
  set data(x) { this.store[0] = x; }
  get grad() { return this.store[1]; }
  set grad(x) { this.store[1] = x; }

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

  sub(other) {
    other = Value.lift(other);
    const out = new Value(this.data - other.data, [this, other]);
    out._backward = () => {
      this.grad += out.grad;
      other.grad -= out.grad;
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

  div(other) {
    other = Value.lift(other);
    const out = new Value(this.data / other.data, [this, other]);
    out._backward = () => {
      this.grad += out.grad / other.data;
      other.grad -= out.grad * (out.data / other.data);
    };
    return out;
  }

  neg() {
    return this.mul(-1);
  }

  tanh() {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out._backward = () => {
      this.grad += (1 - t * t) * out.grad;
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
