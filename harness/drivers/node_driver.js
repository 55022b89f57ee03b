// Speak the port protocol (docs/protocol.md) for a JavaScript port of
// micrograd, under node:
//
//   node node_driver.js MODULE [EXPORT] [--name NAME]
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
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const { pathToFileURL } = require("url");
const vm = require("vm");

const NAME_AT = process.argv.indexOf("--name", 2);
const NAME = NAME_AT > 0 ? process.argv[NAME_AT + 1] : undefined;
const POSITIONAL = process.argv.slice(2).filter((_, i) => NAME_AT < 0 || (i !== NAME_AT - 2 && i !== NAME_AT - 1));
const MODULE_FILE = POSITIONAL[0];
const EXPORT = POSITIONAL[1] || "Value";

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
  for (let i = 0; i < (request.backward_calls || 1); i++) {
    backward(nodes.get(request.output));
  }
  return order.map((v) => [wire(data(v), "data"), wire(grad(v), "grad")]);
}

function answer(Value, request) {
  const missing = request.steps.find(([, op]) => !has(Value, op));
  if (missing) {
    return { kind: "unsupported", id: request.id, op: missing[1] };
  }
  try {
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

// The class EXPORT of the port's file: exported, or (a script that exports
// nothing) defined at the top level of the file run as a script.
async function loadClass() {
  const module = await import(pathToFileURL(path.resolve(MODULE_FILE)).href);
  const exported = module[EXPORT] || (module.default && module.default[EXPORT]);
  if (typeof exported === "function" || !/^[A-Za-z_$][\w$]*$/.test(EXPORT)) {
    return exported;
  }
  // Top-level class and let declarations of a script stay in the global
  // scope of later scripts, where the next one finds the class by name.
  vm.runInThisContext(fs.readFileSync(MODULE_FILE, "utf8"), { filename: path.resolve(MODULE_FILE) });
  return vm.runInThisContext(`typeof ${EXPORT} === "function" ? ${EXPORT} : undefined`);
}

async function main() {
  if (!MODULE_FILE || (NAME_AT > 0 && !NAME)) {
    console.error("usage: node node_driver.js MODULE [EXPORT] [--name NAME]");
    process.exit(2);
  }
  const Value = await loadClass();
  if (typeof Value !== "function") {
    console.error(`node_driver: ${MODULE_FILE} neither exports nor defines a class ${EXPORT}`);
    process.exit(2);
  }
  const send = (message) => protocolWrite(JSON.stringify(message) + "\n");
  send({ kind: "hello", protocol: 1, name: NAME || path.basename(MODULE_FILE), language: "javascript",
         version: `node ${process.version}` });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    send(answer(Value, JSON.parse(line)));
  }
}

main();
