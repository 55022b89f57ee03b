// The nn half of the adapter (optional: delete this file if your port has no
// MLP): the kinds of MLP it builds (HIDDEN-LAST activations), and how the kit
// (driver.go) makes one and reaches its parameters, forward, zero_grad and a
// Value's data.
package main

func (Port) NNKinds() []string { return []string{"relu-linear", "tanh-tanh"} }
func (Port) MLP(nin int, nouts []int, hidden, last string) *MLP {
	return NewMLP(nin, nouts, hidden, last)
}
func (Port) Parameters(m *MLP) []*Value           { return m.Parameters() }
func (Port) Forward(m *MLP, xs []*Value) []*Value { return m.Forward(xs) }
func (Port) ZeroGrad(m *MLP)                      { m.ZeroGrad() }
func (Port) SetData(v *Value, x float64)          { v.Data = x }
