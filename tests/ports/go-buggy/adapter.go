// The buggy Go port through the Go kit.
package main

type Port struct{}

func (Port) New(x float64) *Value  { return leaf(x) }
func (Port) Data(v *Value) float64 { return v.data }
func (Port) Grad(v *Value) float64 { return v.grad }
func (Port) Backward(v *Value)     { v.Backward() }

func (Port) Add(a, b *Value) *Value { return a.Add(b) }
func (Port) Sub(a, b *Value) *Value { return a.Sub(b) }
func (Port) Mul(a, b *Value) *Value { return a.Mul(b) }
func (Port) Tanh(v *Value) *Value   { return v.Tanh() }

// a number exponent only: the kit says so in the hello
func (Port) Pow(a *Value, n float64) *Value { return a.Pow(n) }
