// A test port in Go with one classic bug: every backward step ASSIGNS the
// gradient (grad = ...) instead of adding to it, so a node used twice keeps
// only its last contribution.  It has add, sub, mul, tanh and pow with a
// number exponent only (adapter.go's Pow takes a float64); it refuses a
// nan leaf and prints on stdout in backward, which the kit must turn into an
// error reply and send to stderr.  driver.go is the Go kit's own (a link).
package main

import (
	"fmt"
	"math"
)

type Value struct {
	data, grad float64
	op         string
	args       []*Value
	exponent   float64
}

func leaf(x float64) *Value {
	if x != x {
		panic("leaf: nan is not a number")
	}
	return &Value{data: x}
}

func (v *Value) Add(w *Value) *Value {
	return &Value{data: v.data + w.data, op: "+", args: []*Value{v, w}}
}
func (v *Value) Sub(w *Value) *Value {
	return &Value{data: v.data - w.data, op: "-", args: []*Value{v, w}}
}
func (v *Value) Mul(w *Value) *Value {
	return &Value{data: v.data * w.data, op: "*", args: []*Value{v, w}}
}
func (v *Value) Tanh() *Value { return &Value{data: math.Tanh(v.data), op: "tanh", args: []*Value{v}} }
func (v *Value) Pow(n float64) *Value {
	return &Value{data: math.Pow(v.data, n), op: "^", args: []*Value{v}, exponent: n}
}

func (v *Value) step() {
	switch v.op {
	case "+":
		v.args[0].grad = v.grad // the bug: = where += belongs
		v.args[1].grad = v.grad
	case "-":
		v.args[0].grad = v.grad
		v.args[1].grad = -v.grad
	case "*":
		v.args[0].grad = v.args[1].data * v.grad
		v.args[1].grad = v.args[0].data * v.grad
	case "tanh":
		v.args[0].grad = v.grad * ((1 - v.data) * (1 + v.data))
	case "^":
		v.args[0].grad = v.grad * (v.exponent * math.Pow(v.args[0].data, v.exponent-1))
	}
}

func (v *Value) Backward() {
	fmt.Println("backward from", v.data) // stdout: the kit sends it to stderr
	var order []*Value
	seen := map[*Value]bool{}
	var visit func(*Value)
	visit = func(n *Value) {
		if !seen[n] {
			seen[n] = true
			for _, a := range n.args {
				visit(a)
			}
			order = append(order, n)
		}
	}
	visit(v)
	v.grad = 1
	for i := len(order) - 1; i >= 0; i-- {
		order[i].step()
	}
}
