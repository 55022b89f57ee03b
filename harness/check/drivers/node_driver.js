// Speak the port protocol (docs/protocol.md) for a JavaScript port of
// micrograd, under node:
//
//   node node_driver.js MODULE [EXPORT]
//
// MODULE is the port's file, relative to the working directory (CommonJS or
// an ES module); EXPORT the name of its Value class (default "Value").  To
// check a port with another API, copy this file and edit the part between the
// two rulers.  An op left out of OPS is left out of the hello, and a program
// that needs it is answered "unsupported".  What the port throws is answered
// "error" with its name and message.
"use strict";
const path = require("path");
const readline = require("readline");
const { pathToFileURL } = require("url");

// == how to reach the port: edit this part =====================================
const NAME = process.argv[2];
const make = (Value, x) => new Value(x);
const data = (v) => v.data;
const grad = (v) => v.grad;
const backward = (v) => v.backward();

// JavaScript has no operator overloading: a port has methods, and a number on
// the left is made a Value first, as a user would write it (lift).
// sum: start + v1 + ... + vn; dot: start + w1*x1 + ... + wn*xn.
const OPS = {
  add: (lift, a, b) => lift(a).add(b),
  sub: (lift, a, b) => lift(a).sub(b),
  mul: (lift, a, b) => lift(a).mul(b),
  div: (lift, a, b) => lift(a).div(b),
  pow: (lift, a, b) => lift(a).pow(b),
  neg: (lift, v) => v.neg(),
  relu: (lift, v) => v.relu(),
  tanh: (lift, v) => v.tanh(),
  exp: (lift, v) => v.exp(),
  log: (lift, v) => v.log(),
  sigmoid: (lift, v) => v.sigmoid(),
  sum: (lift, start, values, Value) => Value.sum(values, start),
  dot: (lift, start, ws, xs, Value) => Value.dot(ws, xs, start),
};
// == end of the part to edit ===================================================

const NUMBER_STRINGS = { inf: Infinity, "-inf": -Infinity, nan: NaN, "-0.0": -0 };

// The protocol owns stdout: whatever the port logs goes to stderr.
const protocolWrite = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = console.error;

function number(x) {
  return typeof x === "string" ? NUMBER_STRINGS[x] : x;
}

// JSON.stringify writes the shortest decimal that reads back as the same
// double; it has no literal for these four.
function wire(x, what) {
  if (typeof x !== "number") {
    throw new TypeError(`${what} is ${String(x)}, not a number`);
  }
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Object.is(x, -0)) return "-0.0";
  return x;
}

function run(Value, request) {
  const lift = (x) => (x instanceof Value ? x : make(Value, x));
  const nodes = new Map();
  const order = [];
  for (const [id, x] of request.inputs) {
    const v = make(Value, number(x));
    nodes.set(id, v);
    order.push(v);
  }
  for (const [out, op, args] of request.steps) {
    const values = args.map((a) =>
      typeof a === "string" && !(a in NUMBER_STRINGS) ? nodes.get(a) : number(a));
    let v;
    if (op === "sum") {
      v = OPS.sum(lift, values[0], values.slice(1), Value);
    } else if (op === "dot") {
      const n = (values.length - 1) / 2;
      v = OPS.dot(lift, values[0], values.slice(1, 1 + n), values.slice(1 + n), Value);
    } else {
      v = OPS[op](lift, values[0], values[1]);
    }
    nodes.set(out, v);
    order.push(v);
  }
  backward(nodes.get(request.output));
  return order.map((v) => [wire(data(v), "data"), wire(grad(v), "grad")]);
}

function answer(Value, request) {
  const missing = request.steps.find(([, op]) => !(op in OPS));
  if (missing) {
    return { kind: "unsupported", id: request.id, op: missing[1] };
  }
  try {
    return { kind: "result", id: request.id, nodes: run(Value, request) };
  } catch (error) {
    const name = error && error.name ? error.name : "Error";
    return { kind: "error", id: request.id, message: `${name}: ${error && error.message}` };
  }
}

async function main() {
  if (!NAME) {
    console.error("usage: node node_driver.js MODULE [EXPORT]");
    process.exit(2);
  }
  const exported = process.argv[3] || "Value";
  const module = await import(pathToFileURL(path.resolve(NAME)).href);
  const Value = module[exported] || (module.default && module.default[exported]);
  if (typeof Value !== "function") {
    console.error(`node_driver: ${NAME} exports no class ${exported}`);
    process.exit(2);
  }
  const send = (message) => protocolWrite(JSON.stringify(message) + "\n");
  send({ kind: "hello", protocol: 1, name: path.basename(NAME), language: "javascript",
         version: `node ${process.version}`, ops: Object.keys(OPS).sort() });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    send(answer(Value, JSON.parse(line)));
  }
}

main();
