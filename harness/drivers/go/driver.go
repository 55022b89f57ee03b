// The Go kit of the micrograd parity lab: it speaks the port protocol
// (docs/protocol.md) for the port that adapter.go reaches.  Do not edit
// this file; fill in adapter.go.
//
// The kit finds the adapter's methods by reflection: New, Data, Grad and
// Backward, and every other method is an op named like it (Tanh is tanh).
// An op takes and returns the port's value type: one argument for a unary
// op, two for a binary one, (start, []V) for sum and (start, []V, []V) for
// dot.  It may return an error as a second result.  A number argument is
// made a value with New first.  Pow may take its exponent as a float64
// instead, for a port whose pow takes a number exponent only (micrograd's
// assert): the hello says so ("pow": "number-exponent"), and a Value
// exponent is unsupported.  An op without a method is unsupported: the kit
// never builds one op from others.
//
// The nn half (an `mlp` request) is optional: nn.go, beside the adapter,
// gives the methods NNKinds, MLP, Parameters, Forward, ZeroGrad and SetData
// (see it); without them the port has no nn.
//
// Lines of any length; numbers that cross exactly ("inf", "-inf", "nan",
// "-0.0" as strings, finite ones in the shortest form that reads back); a
// panic or an error of the port becomes an `error` reply; what the port
// prints goes to stderr.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The adapter's methods that are not ops: the core, and nn.go's.
var core = map[string]bool{"New": true, "Data": true, "Grad": true, "Backward": true,
	"NNKinds": true, "MLP": true, "Parameters": true, "Forward": true, "ZeroGrad": true,
	"SetData": true}

var numberStrings = map[string]float64{
	"inf": math.Inf(1), "-inf": math.Inf(-1), "nan": math.NaN(), "-0.0": math.Copysign(0, -1),
}

type kind int

const (
	unary kind = iota
	binary
	terms          // sum: start, v1..vn
	pairs          // dot: start, w1..wn, x1..xn
	numberExponent // Pow(V, float64): a number exponent only
)

type op struct {
	method reflect.Value
	kind   kind
}

type kit struct {
	adapter reflect.Value
	value   reflect.Type // the port's value type: what New returns
	ops     map[string]op
}

func main() {
	name := ""
	if len(os.Args) > 2 && os.Args[1] == "--name" {
		name = os.Args[2]
	}
	protocol := bufio.NewWriter(os.Stdout)
	os.Stdout = os.Stderr // the protocol owns stdout: the port's prints go to stderr
	k, err := newKit(reflect.ValueOf(Port{}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go kit: adapter.go:", err)
		os.Exit(2)
	}
	send := func(line string) {
		protocol.WriteString(line)
		protocol.WriteByte('\n')
		protocol.Flush()
	}
	send(k.hello(name))
	input := bufio.NewReaderSize(os.Stdin, 1<<20)
	for {
		line, err := input.ReadBytes('\n') // any length: no bufio.Scanner limit
		if len(strings.TrimSpace(string(line))) > 0 {
			send(k.answer(line))
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "go kit: reading stdin:", err)
			os.Exit(1)
		}
	}
}

func newKit(adapter reflect.Value) (*kit, error) {
	t := adapter.Type()
	newMethod, ok := t.MethodByName("New")
	if !ok || newMethod.Type.NumIn() != 2 || newMethod.Type.NumOut() != 1 {
		return nil, fmt.Errorf("Port needs a method New(x float64) V")
	}
	for _, name := range []string{"Data", "Grad", "Backward"} {
		if _, ok := t.MethodByName(name); !ok {
			return nil, fmt.Errorf("Port needs a method %s", name)
		}
	}
	k := &kit{adapter: adapter, value: newMethod.Type.Out(0), ops: map[string]op{}}
	slice := reflect.SliceOf(k.value)
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		if core[m.Name] {
			continue
		}
		in := []reflect.Type{}
		for j := 1; j < m.Type.NumIn(); j++ { // 0 is the receiver
			in = append(in, m.Type.In(j))
		}
		var kd kind
		switch {
		case sameTypes(in, k.value):
			kd = unary
		case sameTypes(in, k.value, k.value):
			kd = binary
		case sameTypes(in, k.value, slice):
			kd = terms
		case sameTypes(in, k.value, slice, slice):
			kd = pairs
		case m.Name == "Pow" && sameTypes(in, k.value, reflect.TypeOf(0.0)):
			kd = numberExponent
		default:
			return nil, fmt.Errorf("method %s: an op takes V, (V, V), (V, []V) or (V, []V, []V), where V is %v (Pow may take (V, float64))", m.Name, k.value)
		}
		out := m.Type.NumOut()
		errorType := reflect.TypeOf((*error)(nil)).Elem()
		if out < 1 || out > 2 || m.Type.Out(0) != k.value || (out == 2 && m.Type.Out(1) != errorType) {
			return nil, fmt.Errorf("method %s: an op returns %v, or (%v, error)", m.Name, k.value, k.value)
		}
		k.ops[opName(m.Name)] = op{adapter.Method(i), kd}
	}
	return k, nil
}

func sameTypes(got []reflect.Type, want ...reflect.Type) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Tanh -> tanh: the op's name is the method's with its first letter lowered.
func opName(method string) string {
	r := []rune(method)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func (k *kit) hello(name string) string {
	module, version := "port", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		module, version = info.Main.Path, info.Main.Version
	}
	if name == "" {
		name = module
	}
	names := []string{}
	for n := range k.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	nn := ""
	if kinds := k.nnKinds(); len(kinds) > 0 {
		nn = `,"nn":` + toJSON(kinds)
	}
	if k.ops["pow"].kind == numberExponent {
		nn += `,"pow":"number-exponent"`
	}
	return fmt.Sprintf(`{"kind":"hello","protocol":1,"name":%s,"language":"go","version":%s,"ops":%s%s}`,
		quote(name), quote(strings.TrimSpace(runtime.Version()+" "+module+" "+version)), toJSON(names), nn)
}

type program struct {
	Kind          string              `json:"kind"`
	ID            int64               `json:"id"`
	Inputs        [][]json.RawMessage `json:"inputs"`
	Steps         [][]json.RawMessage `json:"steps"`
	Output        string              `json:"output"`
	BackwardCalls int                 `json:"backward_calls"`
}

func (k *kit) answer(line []byte) string {
	var p program
	if json.Unmarshal(line, &struct{ Kind *string }{&p.Kind}); p.Kind == "mlp" {
		json.Unmarshal(line, &struct{ ID *int64 }{&p.ID})
		return k.answerMLP(line, p.ID)
	}
	if err := json.Unmarshal(line, &p); err != nil {
		return fmt.Sprintf(`{"kind":"error","id":%d,"message":%s}`, p.ID, quote("go kit: "+err.Error()))
	}
	if reply := k.unsupported(p.Steps, p.ID); reply != "" {
		return reply
	}
	nodes, err := k.run(&p)
	if err != nil {
		return fmt.Sprintf(`{"kind":"error","id":%d,"message":%s}`, p.ID, quote(err.Error()))
	}
	return fmt.Sprintf(`{"kind":"result","id":%d,"nodes":[%s]}`, p.ID, nodes)
}

// unsupported is the reply to steps with an op the adapter lacks, or "".
func (k *kit) unsupported(steps [][]json.RawMessage, id int64) string {
	for _, step := range steps {
		var name string
		json.Unmarshal(step[1], &name)
		o, ok := k.ops[name]
		if !ok {
			return fmt.Sprintf(`{"kind":"unsupported","id":%d,"op":%s,"message":%s}`, id, quote(name),
				quote("adapter.go has no method for "+name))
		}
		var args []json.RawMessage
		json.Unmarshal(step[2], &args)
		if o.kind == numberExponent && len(args) == 2 {
			if _, isNumber, _ := number(args[1]); !isNumber {
				return fmt.Sprintf(`{"kind":"unsupported","id":%d,"op":"pow","message":%s}`, id,
					quote("adapter.go's Pow takes a number exponent only"))
			}
		}
	}
	return ""
}

// run builds the program's graph, runs backward and writes every node's
// [data, grad]; a panic of the port is returned as an error.
func (k *kit) run(p *program) (nodes string, err error) {
	defer recovered(&err)
	byID := map[string]reflect.Value{}
	order := []reflect.Value{}
	for _, in := range p.Inputs {
		var id string
		json.Unmarshal(in[0], &id)
		x, _, _ := number(in[1])
		byID[id] = k.call("New", reflect.ValueOf(x))
		order = append(order, byID[id])
	}
	if order, err = k.runSteps(byID, p.Steps, order); err != nil {
		return "", err
	}
	calls := p.BackwardCalls
	if calls == 0 {
		calls = 1
	}
	for i := 0; i < calls; i++ {
		k.call("Backward", byID[p.Output])
	}
	var b strings.Builder
	for i, v := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("[" + wire(k.float("Data", v)) + "," + wire(k.float("Grad", v)) + "]")
	}
	return b.String(), nil
}

// recovered turns a panic of the port into the error of the function it
// ends, with the place in the port's code it happened.
func recovered(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("panic: %v%s", r, panicPlace())
	}
}

// panicPlace is " [at engine.go:42 in (*Value).Add]": the innermost frame of
// the panicking stack that is the port's (not Go's own library, not this
// file), as the Python and node drivers say it; "" when there is none.
func panicPlace() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	_, self, _, _ := runtime.Caller(0)
	goroot := runtime.GOROOT() + "/"
	for {
		frame, more := frames.Next()
		if frame.File != self && frame.File != "" && !strings.HasPrefix(frame.File, goroot) &&
			!strings.HasPrefix(frame.Function, "runtime.") {
			name := strings.TrimPrefix(frame.Function, "main.")
			return fmt.Sprintf(" [at %s:%d in %s]", filepath.Base(frame.File), frame.Line, name)
		}
		if !more {
			return ""
		}
	}
}

// runSteps runs a program's steps on byID, each new node appended to order.
func (k *kit) runSteps(byID map[string]reflect.Value, steps [][]json.RawMessage,
	order []reflect.Value) ([]reflect.Value, error) {
	for _, step := range steps {
		var out, name string
		var raw []json.RawMessage
		json.Unmarshal(step[0], &out)
		json.Unmarshal(step[1], &name)
		json.Unmarshal(step[2], &raw)
		args := make([]reflect.Value, len(raw))
		for i, a := range raw {
			if x, isNumber, e := number(a); e != nil {
				return order, e
			} else if isNumber && k.ops[name].kind == numberExponent && i == 1 {
				args[i] = reflect.ValueOf(x)
			} else if isNumber {
				args[i] = k.call("New", reflect.ValueOf(x))
			} else {
				var id string
				json.Unmarshal(a, &id)
				args[i] = byID[id]
			}
		}
		v, e := k.apply(k.ops[name], args)
		if e != nil {
			return order, e
		}
		byID[out] = v
		order = append(order, v)
	}
	return order, nil
}

func (k *kit) apply(o op, args []reflect.Value) (reflect.Value, error) {
	var in []reflect.Value
	switch o.kind {
	case unary, binary, numberExponent:
		in = args
	case terms:
		in = []reflect.Value{args[0], k.slice(args[1:])}
	case pairs:
		n := (len(args) - 1) / 2
		in = []reflect.Value{args[0], k.slice(args[1 : 1+n]), k.slice(args[1+n:])}
	}
	out := o.method.Call(in)
	if len(out) == 2 && !out[1].IsNil() {
		return reflect.Value{}, out[1].Interface().(error)
	}
	return out[0], nil
}

func (k *kit) slice(values []reflect.Value) reflect.Value {
	s := reflect.MakeSlice(reflect.SliceOf(k.value), len(values), len(values))
	for i, v := range values {
		s.Index(i).Set(v)
	}
	return s
}

func (k *kit) call(method string, args ...reflect.Value) reflect.Value {
	out := k.adapter.MethodByName(method).Call(args)
	if len(out) == 0 {
		return reflect.Value{}
	}
	return out[0]
}

func (k *kit) float(method string, v reflect.Value) float64 {
	return k.call(method, v).Convert(reflect.TypeOf(0.0)).Float()
}

// number reads a program's argument: (x, true) for a number, (0, false)
// for a node id.
func number(raw json.RawMessage) (float64, bool, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		json.Unmarshal(raw, &s)
		x, ok := numberStrings[s]
		return x, ok, nil
	}
	x, err := strconv.ParseFloat(string(raw), 64)
	return x, true, err
}

// wire writes a double so that it reads back as the same double.
func wire(x float64) string {
	switch {
	case math.IsNaN(x):
		return `"nan"`
	case math.IsInf(x, 1):
		return `"inf"`
	case math.IsInf(x, -1):
		return `"-inf"`
	case x == 0 && math.Signbit(x):
		return `"-0.0"`
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func toJSON(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// -- the nn half (nn.go) ----------------------------------------------------------

type mlpRequest struct {
	Sizes       []int               `json:"sizes"`
	Activations string              `json:"activations"`
	Parameters  []json.RawMessage   `json:"parameters"`
	Inputs      [][]json.RawMessage `json:"inputs"`
	Loss        struct {
		Steps  [][]json.RawMessage `json:"steps"`
		Output string              `json:"output"`
	} `json:"loss"`
	Steps        int             `json:"steps"`
	LearningRate json.RawMessage `json:"learning_rate"`
}

// nnKinds gives the kinds of MLP nn.go says the port builds: none without it.
func (k *kit) nnKinds() []string {
	if _, ok := k.adapter.Type().MethodByName("MLP"); !ok {
		return nil
	}
	return k.call("NNKinds").Interface().([]string)
}

func (k *kit) answerMLP(line []byte, id int64) string {
	var r mlpRequest
	if err := json.Unmarshal(line, &r); err != nil {
		return fmt.Sprintf(`{"kind":"error","id":%d,"message":%s}`, id, quote("go kit: "+err.Error()))
	}
	known := false
	for _, kind := range k.nnKinds() {
		known = known || kind == r.Activations
	}
	if !known {
		return fmt.Sprintf(`{"kind":"unsupported","id":%d,"op":"mlp","message":%s}`, id,
			quote("nn.go builds no "+r.Activations+" MLP"))
	}
	if reply := k.unsupported(r.Loss.Steps, id); reply != "" {
		return reply
	}
	losses, gradients, err := k.runMLP(&r)
	if err != nil {
		return fmt.Sprintf(`{"kind":"error","id":%d,"message":%s}`, id, quote(err.Error()))
	}
	return fmt.Sprintf(`{"kind":"mlp_result","id":%d,"losses":[%s],"gradients":[%s]}`, id, losses, gradients)
}

// runMLP builds the MLP, sets its parameters and runs every pass (forward,
// loss, zero_grad, backward; p.data -= learning_rate * p.grad between passes).
func (k *kit) runMLP(r *mlpRequest) (losses, gradients string, err error) {
	defer recovered(&err)
	hidden, last, _ := strings.Cut(r.Activations, "-")
	model := k.call("MLP", reflect.ValueOf(r.Sizes[0]), reflect.ValueOf(r.Sizes[1:]),
		reflect.ValueOf(hidden), reflect.ValueOf(last))
	params := func() []reflect.Value {
		found := k.call("Parameters", model)
		if found.Len() != len(r.Parameters) {
			panic(fmt.Sprintf("Parameters gives %d values; the MLP has %d parameters", found.Len(), len(r.Parameters)))
		}
		out := make([]reflect.Value, found.Len())
		for i := range out {
			out[i] = found.Index(i)
		}
		return out
	}
	for i, p := range params() {
		x, _, _ := number(r.Parameters[i])
		k.call("SetData", p, reflect.ValueOf(x))
	}
	rate, _, _ := number(r.LearningRate)
	var ls, gs []string
	for pass := 0; pass <= r.Steps; pass++ {
		if pass > 0 { // micrograd's demo: p.data -= learning_rate * p.grad
			for _, p := range params() {
				k.call("SetData", p, reflect.ValueOf(k.float("Data", p)-rate*k.float("Grad", p)))
			}
		}
		byID := map[string]reflect.Value{}
		for i, row := range r.Inputs {
			xs := reflect.MakeSlice(reflect.SliceOf(k.value), len(row), len(row))
			for j, a := range row {
				x, _, _ := number(a)
				xs.Index(j).Set(k.call("New", reflect.ValueOf(x)))
			}
			outs := k.call("Forward", model, xs)
			for j := 0; j < outs.Len(); j++ {
				byID[fmt.Sprintf("out%d_%d", i, j)] = outs.Index(j)
			}
		}
		for i, p := range params() {
			byID[fmt.Sprintf("p%d", i)] = p
		}
		if _, err := k.runSteps(byID, r.Loss.Steps, nil); err != nil {
			return "", "", err
		}
		loss := byID[r.Loss.Output]
		k.call("ZeroGrad", model)
		k.call("Backward", loss)
		ls = append(ls, wire(k.float("Data", loss)))
		grads := []string{}
		for _, p := range params() {
			grads = append(grads, wire(k.float("Grad", p)))
		}
		gs = append(gs, "["+strings.Join(grads, ",")+"]")
	}
	return strings.Join(ls, ","), strings.Join(gs, ","), nil
}
