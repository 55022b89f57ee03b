// A test port in JavaScript with one classic bug, from writing subtraction
// and division the lecture's way: a.sub(b) is a.add(b.neg()) and a.div(b)
// is a.mul(b.pow(-1)).  Both use b as a Value, and JavaScript hands the
// method the plain number: x.sub(2) and x.div(2) throw.  2 - x works (the
// driver makes the 2 a Value first, as a user writes new Value(2).sub(x)),
// and so do x.add(2) and x.mul(2), which lift their argument.  pow takes
// number exponents only, as micrograd's does.
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

  pow(n) {
    if (typeof n !== "number") {
      throw new TypeError("only number exponents are supported");
    }
    const out = new Value(this.data ** n, [this]);
    out._backward = () => {
      this.grad += n * this.data ** (n - 1) * out.grad;
    };
    return out;
  }

  neg() {
    return this.mul(-1);
  }

  sub(other) {
    return this.add(other.neg());
  }

  div(other) {
    return this.mul(other.pow(-1));
  }

  relu() {
    const out = new Value(this.data < 0 ? 0 : this.data, [this]);
    out._backward = () => {
      this.grad += (out.data > 0 ? 1 : 0) * out.grad;
    };
    return out;
  }

  static sum(values, start) {
    const terms = [Value.lift(start), ...values];
    const out = new Value(terms.reduce((total, v) => total + v.data, 0), terms);
    out._backward = () => {
      for (const v of terms) {
        v.grad += out.grad;
      }
    };
    return out;
  }

  backward() {
    const topo = [];
    const visited = new Set([this]);
    const stack = [[this, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < v._prev.length) {
        top[1] = i + 1;
        const child = v._prev[i];
        if (!visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        topo.push(v);
        stack.pop();
      }
    }
    this.grad = 1;
    for (let k = topo.length - 1; k >= 0; k--) {
      topo[k]._backward();
    }
  }
}

module.exports = { Value };
