// How the Go kit (driver.go) reaches the port: fill this in for yours.
// Methods of Port: New, Data, Grad, Backward, and one per op the port has,
// named like the op (Add, Mul, Tanh...; Sum and Dot if it has them).
package main

type Port struct{}

func (Port) New(x float64) *Value  { return NewValue(x) }
func (Port) Data(v *Value) float64 { return v.Data }
func (Port) Grad(v *Value) float64 { return v.Grad }
func (Port) Backward(v *Value)     { v.Backward() }

func (Port) Add(a, b *Value) *Value { return a.Add(b) }
func (Port) Sub(a, b *Value) *Value { return a.Sub(b) }
func (Port) Mul(a, b *Value) *Value { return a.Mul(b) }
func (Port) Div(a, b *Value) *Value { return a.Div(b) }
func (Port) Pow(a, b *Value) *Value { return a.Pow(b) }
func (Port) Neg(v *Value) *Value    { return v.Neg() }
func (Port) Relu(v *Value) *Value   { return v.Relu() }
func (Port) Tanh(v *Value) *Value   { return v.Tanh() }
func (Port) Exp(v *Value) *Value    { return v.Exp() }
func (Port) Log(v *Value) *Value    { return v.Log() }
