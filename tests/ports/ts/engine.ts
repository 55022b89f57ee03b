// A small micrograd port in TypeScript, for the test that the node driver
// runs one through tsx (docs/languages.md). The lecture's ops as methods (a
// number on either side; pow with a number exponent only, as micrograd's),
// an iterative topological sort.
type Operand = Value | number;

export class Value {
  data: number;
  grad = 0;
  backwardStep: () => void = () => {};
  readonly children: Value[];

  constructor(data: number, children: Value[] = []) {
    this.data = Number(data);
    this.children = children;
  }

  static lift(x: Operand): Value {
    return x instanceof Value ? x : new Value(x);
  }

  private node(data: number, children: Value[], locals: number[]): Value {
    const out = new Value(data, children);
    out.backwardStep = () => {
      children.forEach((child, i) => {
        child.grad += locals[i] * out.grad;
      });
    };
    return out;
  }

  add(other: Operand): Value {
    const o = Value.lift(other);
    return this.node(this.data + o.data, [this, o], [1, 1]);
  }

  sub(other: Operand): Value {
    const o = Value.lift(other);
    return this.node(this.data - o.data, [this, o], [1, -1]);
  }

  mul(other: Operand): Value {
    const o = Value.lift(other);
    return this.node(this.data * o.data, [this, o], [o.data, this.data]);
  }

  div(other: Operand): Value {
    const o = Value.lift(other);
    const q = this.data / o.data;
    const out = new Value(q, [this, o]);
    out.backwardStep = () => {
      this.grad += out.grad / o.data;
      o.grad += -out.grad * (q / o.data);
    };
    return out;
  }

  pow(n: number): Value {
    if (n === 0) {   // the gradient of x**0 is 0 everywhere, as torch's
      return new Value(this.data ** 0, [this]);
    }
    return this.node(this.data ** n, [this], [n * this.data ** (n - 1)]);
  }

  relu(): Value {
    const out = new Value(this.data < 0 ? 0 : this.data, [this]);
    out.backwardStep = () => {
      if (!(out.data <= 0)) {
        this.grad += out.grad;
      }
    };
    return out;
  }

  neg(): Value {
    return this.node(-this.data, [this], [-1]);
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    return this.node(t, [this], [(1 - t) * (1 + t)]);
  }

  exp(): Value {
    const e = Math.exp(this.data);
    return this.node(e, [this], [e]);
  }

  backward(): void {
    const order: Value[] = [];
    const seen = new Set<Value>([this]);
    const stack: Array<[Value, number]> = [[this, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, next] = top;
      if (next < node.children.length) {
        top[1] = next + 1;
        const child = node.children[next];
        if (!seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) {
      order[i].backwardStep();
    }
  }
}
