package keras

import (
	"fmt"

	"github.com/convscope/convscope/nn"
)

// channelProbe stands in for a DepthwiseConv2D during a first build: it
// records its input's channel count and answers the output shape of the
// grouped Conv2D it stands for, so a second build can use the real layer.
type channelProbe struct {
	name string
	cin  int
	make func(cin int) ([]nn.LayerBase, error)
}

func (p *channelProbe) Name() string        { return p.name }
func (p *channelProbe) SetName(n string)    { p.name = n }
func (p *channelProbe) Kind() string        { return "DepthwiseConv2D" }
func (p *channelProbe) Params() []*nn.Param { return nil }
func (p *channelProbe) Config() nn.LayerConfig {
	return nn.LayerConfig{ClassName: "DepthwiseConv2D", Name: p.name}
}
func (p *channelProbe) Build(in []int) ([]int, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("DepthwiseConv2D: expected an input of shape (height, width, channels), received %v", in)
	}
	p.cin = in[2]
	ls, err := p.make(p.cin)
	if err != nil {
		return nil, err
	}
	shape := in
	for _, l := range ls {
		if shape, err = l.(nn.Layer).Build(shape); err != nil {
			return nil, err
		}
	}
	return shape, nil
}
func (p *channelProbe) Forward(y, x *nn.Tensor, training bool) { panic("keras: channelProbe.Forward") }
func (p *channelProbe) Backward(dx, dy, x, y *nn.Tensor)       { panic("keras: channelProbe.Backward") }
