// The example port: a tiny micrograd Value in Go, correct, written for the
// kit.  Replace it with your own port (and adapter.go with your adapter).
package main

import "math"

type Value struct {
	Data, Grad float64
	prev       []*Value
	backward   func()
}

func NewValue(x float64) *Value { return &Value{Data: x, backward: func() {}} }

func (a *Value) node(x float64, prev ...*Value) *Value {
	return &Value{Data: x, prev: prev, backward: func() {}}
}

func (a *Value) Add(b *Value) *Value {
	out := a.node(a.Data+b.Data, a, b)
	out.backward = func() { a.Grad += out.Grad; b.Grad += out.Grad }
	return out
}

func (a *Value) Sub(b *Value) *Value {
	out := a.node(a.Data-b.Data, a, b)
	out.backward = func() { a.Grad += out.Grad; b.Grad += -out.Grad }
	return out
}

func (a *Value) Mul(b *Value) *Value {
	out := a.node(a.Data*b.Data, a, b)
	out.backward = func() { a.Grad += b.Data * out.Grad; b.Grad += a.Data * out.Grad }
	return out
}

func (a *Value) Div(b *Value) *Value {
	out := a.node(a.Data/b.Data, a, b)
	out.backward = func() { a.Grad += out.Grad / b.Data; b.Grad += -out.Grad * (out.Data / b.Data) }
	return out
}

// Pow takes a Value exponent; d/db is 0 where a = 0 and b >= 0.
func (a *Value) Pow(b *Value) *Value {
	out := a.node(math.Pow(a.Data, b.Data), a, b)
	out.backward = func() {
		if b.Data != 0 {
			a.Grad += out.Grad * (b.Data * math.Pow(a.Data, b.Data-1))
		}
		local := 0.0
		if !(a.Data == 0 && b.Data >= 0) {
			local = out.Data * math.Log(a.Data)
		}
		b.Grad += out.Grad * local
	}
	return out
}

func (a *Value) Neg() *Value {
	out := a.node(-a.Data, a)
	out.backward = func() { a.Grad += -out.Grad }
	return out
}

func (a *Value) Relu() *Value {
	x := a.Data
	if x < 0 {
		x = 0
	}
	out := a.node(x, a)
	out.backward = func() {
		if !(out.Data <= 0) {
			a.Grad += out.Grad
		}
	}
	return out
}

func (a *Value) Tanh() *Value {
	t := math.Tanh(a.Data)
	out := a.node(t, a)
	out.backward = func() { a.Grad += out.Grad * ((1 - t) * (1 + t)) }
	return out
}

func (a *Value) Exp() *Value {
	out := a.node(math.Exp(a.Data), a)
	out.backward = func() { a.Grad += out.Grad * out.Data }
	return out
}

func (a *Value) Log() *Value {
	out := a.node(math.Log(a.Data), a)
	out.backward = func() { a.Grad += out.Grad / a.Data }
	return out
}

// Backward walks the graph once, depth first with an explicit stack
// (children in argument order), then runs each node's backward from the
// output down.
func (a *Value) Backward() {
	topo := []*Value{}
	visited := map[*Value]bool{a: true}
	stack, next := []*Value{a}, []int{0}
	for len(stack) > 0 {
		top := len(stack) - 1
		node := stack[top]
		if i := next[top]; i < len(node.prev) {
			next[top]++
			if child := node.prev[i]; !visited[child] {
				visited[child] = true
				stack, next = append(stack, child), append(next, 0)
			}
			continue
		}
		stack, next = stack[:top], next[:top]
		topo = append(topo, node)
	}
	a.Grad = 1
	for i := len(topo) - 1; i >= 0; i-- {
		topo[i].backward()
	}
}
