// A test port in JavaScript that stands in for a runtime whose libm is
// wrong on subnormal numbers (below 2^-1022): Go's math.Log on amd64 gives
// math.Log(5e-324) = -709.09 where the answer is -744.44.  Its log is
// Math.log for normal numbers; below 2^-1022 it splits the number into
// exponent and mantissa bits as if it were normal (exponent -1023, mantissa
// 1.f), as that runtime does.  The rest of the port is right.
"use strict";

const SMALLEST_NORMAL = 2.2250738585072014e-308;
const bits = new DataView(new ArrayBuffer(8));

function runtimeLog(x) {
  if (!(x > 0) || x >= SMALLEST_NORMAL) {
    return Math.log(x);
  }
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  const exponent = ((high >>> 20) & 0x7ff) - 1023;   // 0 - 1023 for a subnormal
  bits.setUint32(0, (high & 0x800fffff) | (1023 << 20));   // 1.f, as if it were normal
  return Math.log(bits.getFloat64(0)) + exponent * Math.LN2;
}

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

  log() {
    const out = new Value(runtimeLog(this.data), [this]);
    out._backward = () => {
      this.grad += out.grad / this.data;
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
