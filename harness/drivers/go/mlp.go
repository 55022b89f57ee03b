// The example port's nn: micrograd's Neuron, Layer and MLP in Go, written for
// the kit.  Replace it with your own (and nn.go with how the kit reaches it).
// Its weights start at 0: the check sets every parameter itself.
package main

type Neuron struct {
	W   []*Value
	B   *Value
	Act string // "relu", "tanh" or "linear"
}

// Forward is b + w0*x0 + w1*x1 + ..., as micrograd's sum() from the bias, then Act.
func (n *Neuron) Forward(xs []*Value) *Value {
	act := n.B
	for i, w := range n.W {
		act = act.Add(w.Mul(xs[i]))
	}
	switch n.Act {
	case "relu":
		return act.Relu()
	case "tanh":
		return act.Tanh()
	}
	return act
}

type MLP struct{ Layers [][]*Neuron }

func NewMLP(nin int, nouts []int, hidden, last string) *MLP {
	m := &MLP{}
	for l, nout := range nouts {
		act := hidden
		if l == len(nouts)-1 {
			act = last
		}
		layer := []*Neuron{}
		for i := 0; i < nout; i++ {
			n := &Neuron{B: NewValue(0), Act: act}
			for j := 0; j < nin; j++ {
				n.W = append(n.W, NewValue(0))
			}
			layer = append(layer, n)
		}
		m.Layers = append(m.Layers, layer)
		nin = nout
	}
	return m
}

func (m *MLP) Forward(xs []*Value) []*Value {
	for _, layer := range m.Layers {
		out := []*Value{}
		for _, n := range layer {
			out = append(out, n.Forward(xs))
		}
		xs = out
	}
	return xs
}

// Parameters: layer by layer, neuron by neuron, its weights then its bias.
func (m *MLP) Parameters() []*Value {
	ps := []*Value{}
	for _, layer := range m.Layers {
		for _, n := range layer {
			ps = append(append(ps, n.W...), n.B)
		}
	}
	return ps
}

func (m *MLP) ZeroGrad() {
	for _, p := range m.Parameters() {
		p.Grad = 0
	}
}
