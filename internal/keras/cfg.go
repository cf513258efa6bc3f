package keras

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/convscope/convscope/nn"
)

// cfg reads a layer's config values with Keras' defaults.
type cfg struct {
	l     kLayer
	err   error
	extra string // an activation to apply as a separate layer
}

func (c *cfg) fail(key string, want string, raw json.RawMessage) {
	if c.err == nil {
		c.err = fmt.Errorf("keras: layer %q (%s): %s: expected %s, received %s", c.l.Name, c.l.Class, key, want, excerpt(raw))
	}
}

func (c *cfg) raw(key string) (json.RawMessage, bool) {
	r, ok := c.l.Config[key]
	if !ok || string(r) == "null" {
		return nil, false
	}
	return r, true
}

// value reads key as a T, or returns Keras' default def when the key is
// absent or null; a value that is not a T, or that valid (if not nil)
// rejects, is an error saying it expected want.
func value[T any](c *cfg, key string, def T, want string, valid func(T) bool) T {
	r, ok := c.raw(key)
	if !ok {
		return def
	}
	var v T
	if json.Unmarshal(r, &v) != nil || (valid != nil && !valid(v)) {
		c.fail(key, want, r)
	}
	return v
}

func (c *cfg) int(key string, def int) int { return value(c, key, def, "an integer", nil) }

func (c *cfg) float(key string, def float64) float64 {
	return value(c, key, def, "a number", func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) })
}

func (c *cfg) bool(key string, def bool) bool { return value(c, key, def, "true or false", nil) }

func (c *cfg) str(key, def string) string {
	r, ok := c.raw(key)
	if !ok {
		return def
	}
	var v string
	if json.Unmarshal(r, &v) != nil {
		// Keras 3 may serialise a built-in activation as an object.
		var obj struct {
			ClassName string `json:"class_name"`
			Config    struct {
				Name string `json:"name"`
			} `json:"config"`
		}
		if json.Unmarshal(r, &obj) == nil && obj.Config.Name != "" {
			return obj.Config.Name
		}
		c.fail(key, "a string", r)
	}
	return v
}

// pair reads an integer or a pair of integers (kernel_size, strides, …).
func (c *cfg) pair(key string, def [2]int) [2]int {
	r, ok := c.raw(key)
	if !ok {
		return def
	}
	var v int
	if json.Unmarshal(r, &v) == nil {
		return [2]int{v, v}
	}
	var p []int
	if json.Unmarshal(r, &p) != nil || len(p) != 2 {
		c.fail(key, "an integer or a pair of integers", r)
		return def
	}
	return [2]int{p[0], p[1]}
}

func (c *cfg) ints(key string) []int {
	r, ok := c.raw(key)
	if !ok {
		c.fail(key, "a list of integers", []byte("nothing"))
		return nil
	}
	var v []int
	if json.Unmarshal(r, &v) != nil {
		c.fail(key, "a list of integers", r)
	}
	return v
}

// channelsLast refuses data_format "channels_first".
func (c *cfg) channelsLast() {
	if f := c.str("data_format", "channels_last"); f != "channels_last" && c.err == nil {
		c.err = unsupportedError(c.l, `uses data_format "`+f+`" (only "channels_last" is supported)`)
	}
}

// axisLast accepts axis -1 or the last axis of an image (3).
func (c *cfg) axisLast(def int) {
	r, ok := c.raw("axis")
	if !ok {
		return
	}
	var a int
	if json.Unmarshal(r, &a) != nil {
		var list []int
		if json.Unmarshal(r, &list) == nil && len(list) == 1 {
			a = list[0]
		} else {
			c.fail("axis", "-1", r)
			return
		}
	}
	// The last axis counts the batch axis: 3 for images, 1 for features.
	last := 3
	if c.l.InRank > 0 {
		last = c.l.InRank
	}
	if a != -1 && a != last && a != def && c.err == nil {
		c.err = unsupportedError(c.l, fmt.Sprintf("works on axis %d (only the channel axis, -1, is supported)", a))
	}
}

// activation maps a Keras activation name to one nn accepts in Conv2D and
// Dense. relu6, leaky_relu, hard_sigmoid and hard_swish, which nn has as
// layers, become "linear" and are recorded in c.extra: the layer is then
// followed by that activation layer (see convert). Others are reported.
func (c *cfg) activation(key string) string {
	a := c.str(key, "linear")
	if a == "" {
		a = "linear"
	}
	for _, n := range nn.ActivationNames() {
		if n == a {
			return a
		}
	}
	if standalone[a] {
		c.extra = a
		return "linear"
	}
	if c.err == nil {
		c.err = fmt.Errorf("keras: layer %q (%s): activation %q is not supported (expected one of %s, relu6, leaky_relu, hard_sigmoid, hard_swish, swish, silu)", c.l.Name, c.l.Class, a, strings.Join(nn.ActivationNames(), ", "))
	}
	return a
}

// standalone are the activations nn has as layers only.
var standalone = map[string]bool{"relu6": true, "leaky_relu": true, "hard_sigmoid": true, "hard_swish": true, "hard_silu": true,
	"swish": true, "silu": true}
