// A small nn in JavaScript on the Value of ../js/engine.js, written for the
// tests of the nn half: the lecture's MLP (tanh in every layer, node's own
// Math.tanh), and three faulty ones, each checked by its own manifest here.
"use strict";
const { Value } = require("../js/engine.js");

class Neuron {
  constructor(nin) {
    this.w = Array.from({ length: nin }, () => new Value(0));
    this.b = new Value(0);
  }

  // b + w0*x0 + w1*x1 + ..., as micrograd's sum() from the bias
  forward(x) {
    return this.w.reduce((act, wi, i) => act.add(wi.mul(x[i])), this.bias()).tanh();
  }

  bias() {
    return this.b;
  }

  parameters() {
    return [...this.w, this.b];
  }
}

class Layer {
  constructor(nin, nout, Kind = Neuron) {
    this.neurons = Array.from({ length: nout }, () => new Kind(nin));
  }

  forward(x) {
    const out = this.neurons.map((n) => n.forward(x));
    return out.length === 1 ? out[0] : out;
  }

  parameters() {
    return this.neurons.flatMap((n) => n.parameters());
  }
}

class MLP {
  constructor(nin, nouts, Kind = Neuron) {
    const sizes = [nin, ...nouts];
    this.layers = nouts.map((_, i) => new Layer(sizes[i], sizes[i + 1], Kind));
  }

  forward(x) {
    for (const layer of this.layers) {
      x = layer.forward(x);
      x = Array.isArray(x) ? x : [x];
    }
    return x.length === 1 ? x[0] : x;
  }

  parameters() {
    return this.layers.flatMap((l) => l.parameters());
  }

  zeroGrad() {
    for (const p of this.parameters()) p.grad = 0;
  }
}

// Its neurons draw their weights from a function the file never defines,
// as a port written for the browser may: `new MLP(...)` throws ReferenceError.
class MLPThrows extends MLP {
  constructor(nin, nouts) {
    super(nin, nouts, class extends Neuron {
      constructor(n) {
        super(n);
        this.w = this.w.map(() => new Value(random() * 2 - 1));  // eslint-disable-line no-undef
      }
    });
  }
}

// Its neurons add a copy of the bias: the forward is right, the bias gets no gradient.
class MLPDetachedBias extends MLP {
  constructor(nin, nouts) {
    super(nin, nouts, class extends Neuron {
      bias() {
        return new Value(this.b.data);
      }
    });
  }
}

// Its zeroGrad forgets the biases: their gradients pile up from step to step.
class MLPKeepsBiasGrad extends MLP {
  zeroGrad() {
    for (const layer of this.layers) {
      for (const n of layer.neurons) n.w.forEach((w) => { w.grad = 0; });
    }
  }
}

module.exports = { Value, MLP, MLPThrows, MLPDetachedBias, MLPKeepsBiasGrad };
