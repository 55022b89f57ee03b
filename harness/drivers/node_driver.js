// Speak the port protocol (docs/protocol.md) for a JavaScript port of
// micrograd, under node:
//
//   node node_driver.js MODULE [EXPORT] [--name NAME] [--nn MLP|none] [--nn-kinds KINDS]
//        [--pow number-exponent]
//
// MODULE is the port's file, relative to the working directory (CommonJS or
// an ES module, or TypeScript under `node --import tsx`); EXPORT the name of
// its Value class (default "Value").  A file that exports no such class (a
// browser script that defines `class Value` at its top level) is run again
// as a script, and the class is taken by its name.  NAME is the port's name
// in the hello (default: the file's name).  To
// check a port with another API, copy this file and edit the part between the
// two rulers.  An op is reached by its name, so the driver needs no list of
// them: a program that needs an op whose method the port lacks is answered
// "unsupported", and the hello lists no ops (the harness asks for each).
// What the port throws is answered "error" with its name and message, and
// the place in the port's code it was thrown ([at engine.js:40 in Value.sub]).
//
// The nn half (an "mlp" request, docs/protocol.md): the MLP class of the
// same file (--nn names it, default MLP; --nn none: the port has no nn),
// built as new MLP(nin, nouts) and reached as the part to edit says;
// --nn-kinds names the kinds of MLP it builds (default relu-linear,
// micrograd's).  --pow number-exponent says the port's pow takes a number
// exponent only (the hello's "pow"): the harness sends it no Value exponent.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { pathToFileURL } = require("url");
const vm = require("vm");

const FLAGS = ["--name", "--nn", "--nn-kinds", "--pow"];
const ARGS = process.argv.slice(2);
const option = (flag) => (ARGS.includes(flag) ? ARGS[ARGS.indexOf(flag) + 1] : undefined);
const MISSING_VALUE = FLAGS.some((flag) => ARGS.includes(flag) && !option(flag));
const NAME = option("--name");
const POSITIONAL = ARGS.filter((a, i) => !FLAGS.includes(a) && !FLAGS.includes(ARGS[i - 1]));
const MODULE_FILE = POSITIONAL[0];
const EXPORT = POSITIONAL[1] || "Value";
const NN_EXPORT = option("--nn") || "MLP";
const POW = option("--pow") || "any";

// == how to reach the port: edit this part =====================================
const make = (Value, x) => new Value(x);
const data = (v) => v.data;
const grad = (v) => v.grad;
const backward = (v) => v.backward();

// JavaScript has no operator overloading: each op is the Value's method of
// its name, called as a.add(b) or v.tanh(); a number on the left is made a
// Value first (new Value(2).sub(x)), as a user would write it.  sum and dot
// are functions of the class: Value.sum(values, start), Value.dot(ws, xs,
// start).  RENAMED names a method the port calls otherwise: { tanh: "myTanh" }.
const RENAMED = {};

// The nn half: how to build the MLP and reach its parameters, its forward,
// its zero_grad and a parameter's data (micrograd's API in JavaScript).
const nn = {
  make: (MLP, nin, nouts, hidden, last) => new MLP(nin, nouts),
  parameters: (m) => m.parameters(),
  call: (m, xs) => (typeof m.forward === "function" ? m.forward(xs) : m.call(xs)),
  zeroGrad: (m) => (typeof m.zeroGrad === "function" ? m.zeroGrad() : m.zero_grad()),
  setData: (v, x) => { v.data = x; },
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

const STATICS = new Set(["sum", "dot"]);
const method = (op) => RENAMED[op] || op;

function has(Value, op) {
  const holder = STATICS.has(op) ? Value : Value.prototype;
  return typeof holder[method(op)] === "function";
}

function run(Value, request) {
  const nodes = new Map();
  const order = [];
  for (const [id, x] of request.inputs) {
    const v = make(Value, number(x));
    nodes.set(id, v);
    order.push(v);
  }
  runSteps(Value, nodes, request.steps, order);
  for (let i = 0; i < (request.backward_calls || 1); i++) {
    backward(nodes.get(request.output));
  }
  return order.map((v) => [wire(data(v), "data"), wire(grad(v), "grad")]);
}

// A program's steps run on nodes (a Map of id to Value), each new node appended to order.
function runSteps(Value, nodes, steps, order) {
  const lift = (x) => (x instanceof Value ? x : make(Value, x));
  for (const [out, op, args] of steps) {
    const values = args.map((a) =>
      typeof a === "string" && !(a in NUMBER_STRINGS) ? nodes.get(a) : number(a));
    let v;
    if (op === "sum") {
      v = Value[method(op)](values.slice(1), values[0]);
    } else if (op === "dot") {
      const n = (values.length - 1) / 2;
      v = Value[method(op)](values.slice(1, 1 + n), values.slice(1 + n), values[0]);
    } else {
      v = lift(values[0])[method(op)](...values.slice(1));   // a.add(b), v.tanh()
    }
    nodes.set(out, v);
    order.push(v);
  }
}

// The nn half: [the loss after each pass, every parameter's gradient after each pass].
function runMlp(Value, MLP, request) {
  const [nin, ...nouts] = request.sizes;
  const model = nn.make(MLP, nin, nouts, ...request.activations.split("-"));
  const count = request.parameters.length;
  const params = () => {
    const found = nn.parameters(model);
    if (found.length !== count) {
      throw new Error(`parameters() gives ${found.length} Values; the MLP has ${count} parameters`);
    }
    return found;
  };
  params().forEach((p, k) => nn.setData(p, number(request.parameters[k])));
  const rate = number(request.learning_rate);
  const losses = [];
  const gradients = [];
  for (let pass = 0; pass <= request.steps; pass++) {
    if (pass > 0) {   // micrograd's demo: p.data -= learning_rate * p.grad
      for (const p of params()) nn.setData(p, data(p) - rate * grad(p));
    }
    const nodes = new Map();
    request.inputs.forEach((row, i) => {
      const out = nn.call(model, row.map((x) => make(Value, number(x))));
      (Array.isArray(out) ? out : [out]).forEach((v, j) => nodes.set(`out${i}_${j}`, v));
    });
    params().forEach((p, k) => nodes.set(`p${k}`, p));
    runSteps(Value, nodes, request.loss.steps, []);
    const loss = nodes.get(request.loss.output);
    nn.zeroGrad(model);
    backward(loss);
    losses.push(wire(data(loss), "the loss's data"));
    gradients.push(params().map((p) => wire(grad(p), "a parameter's grad")));
  }
  return { losses, gradients };
}

function answer(Value, MLP, kinds, request) {
  const mlp = request.kind === "mlp";
  if (mlp && !kinds.includes(request.activations)) {
    return { kind: "unsupported", id: request.id, op: "mlp",
             message: `no ${request.activations} MLP (--nn, --nn-kinds)` };
  }
  const missing = (mlp ? request.loss.steps : request.steps).find(([, op]) => !has(Value, op));
  if (missing) {
    return { kind: "unsupported", id: request.id, op: missing[1] };
  }
  try {
    if (mlp) {
      return { kind: "mlp_result", id: request.id, ...runMlp(Value, MLP, request) };
    }
    return { kind: "result", id: request.id, nodes: run(Value, request) };
  } catch (error) {
    const name = error && error.name ? error.name : "Error";
    return { kind: "error", id: request.id, message: `${name}: ${error && error.message}${portPlace(error)}` };
  }
}

// " [at engine.js:40 in Value.sub]": the innermost frame of the port's own
// code in the error's stack (not this driver's, nor node's), relative to the
// working directory.
function portPlace(error) {
  const stack = error && typeof error.stack === "string" ? error.stack.split("\n") : [];
  for (const line of stack) {
    const m = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (!m || m[2].startsWith("node:") || m[2] === __filename || m[2].endsWith("node_driver.js")) {
      continue;
    }
    const file = m[2].startsWith("file://") ? new URL(m[2]).pathname : m[2];
    const shown = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
    return ` [at ${shown}:${m[3]}${m[1] ? ` in ${m[1]}` : ""}]`;
  }
  return "";
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// A function that finds a class of the port's file by name: exported, or
// (a script that exports nothing) defined at the top level of the file run
// as a script.
async function loadClasses() {
  const module = await import(pathToFileURL(path.resolve(MODULE_FILE)).href);
  const exported = (name) => module[name] || (module.default && module.default[name]);
  // what the module exports: a module that exports anything is not run again as a script
  exported.names = [...new Set([...Object.keys(module).filter((key) => key !== "default"),
    ...(module.default && typeof module.default === "object" ? Object.keys(module.default) : [])])];
  if (typeof exported(EXPORT) === "function" || !IDENTIFIER.test(EXPORT) || exported.names.length) {
    return exported;
  }
  // Top-level class and let declarations of a script stay in the global
  // scope of later scripts, where the next one finds the class by name.
  vm.runInThisContext(fs.readFileSync(MODULE_FILE, "utf8"), { filename: path.resolve(MODULE_FILE) });
  return (name) => (IDENTIFIER.test(name)
    ? vm.runInThisContext(`typeof ${name} === "function" ? ${name} : undefined`) : undefined);
}

async function main() {
  if (!MODULE_FILE || MISSING_VALUE || !["any", "number-exponent"].includes(POW)) {
    console.error("usage: node node_driver.js MODULE [EXPORT] [--name NAME] [--nn MLP|none] "
                  + "[--nn-kinds KINDS] [--pow number-exponent]");
    process.exit(2);
  }
  const find = await loadClasses();
  const Value = find(EXPORT);
  if (typeof Value !== "function") {
    const names = find.names || [];
    // the class to suggest: one with a backward method (not the MLP beside
    // it, which a CommonJS module's sorted names put first), a class
    // declaration, else any function
    const functions = names.filter((name) => typeof find(name) === "function");
    const hint = functions.find((name) => find(name).prototype
                                && typeof find(name).prototype.backward === "function")
      || functions.find((name) => /^class\b/.test(Function.prototype.toString.call(find(name))))
      || functions[0];
    console.error(`node_driver: ${MODULE_FILE} neither exports nor defines a class ${EXPORT}`
                  + (names.length ? ` (it exports ${names.join(", ")}` : "")
                  + (hint ? `: name the class after the file, as in node_driver.js `
                            + `${MODULE_FILE} ${hint}` : "")
                  + (names.length ? ")" : ""));
    process.exit(2);
  }
  const MLP = NN_EXPORT === "none" ? undefined : find(NN_EXPORT);
  if (option("--nn") && NN_EXPORT !== "none" && typeof MLP !== "function") {
    console.error(`node_driver: ${MODULE_FILE} neither exports nor defines a class ${NN_EXPORT}`);
    process.exit(2);
  }
  const kinds = typeof MLP === "function" ? (option("--nn-kinds") || "relu-linear").split(",") : [];
  const send = (message) => protocolWrite(JSON.stringify(message) + "\n");
  const language = /\.[cm]?ts$/.test(MODULE_FILE) ? "typescript" : "javascript";   // run under tsx
  send({ kind: "hello", protocol: 1, name: NAME || path.basename(MODULE_FILE), language,
         version: `node ${process.version}`, ...(kinds.length ? { nn: kinds } : {}),
         ...(POW === "any" ? {} : { pow: POW }) });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    send(answer(Value, MLP, kinds, JSON.parse(line)));
  }
}

main();
