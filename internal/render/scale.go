package render

import (
	"fmt"
	"math"
	"strings"
)

// ScaleMode selects how activation values become colormap indices 0..255.
type ScaleMode int

const (
	// Standardize is the Keras tutorial's per-channel display scaling
	// (Chollet, "Deep Learning with Python", §5.4.1):
	//
	//	v = (x − mean) / std · 64 + 128, clipped to 0..255 and truncated to uint8
	//
	// so index 0 is mean − 2σ, 128 the mean and 255 mean + 2σ. A constant
	// channel (std = 0, e.g. a dead ReLU) has no σ: every pixel is at the
	// mean, so it renders as index 128 (0σ) instead of the NaN the tutorial's
	// numpy code produces, and the sheet marks it as dead/constant.
	Standardize ScaleMode = iota
	// MinMax maps each channel's own [min, max] to 0..255 the way matplotlib's
	// Normalize and a 256-entry colormap do: index = min(floor((x−min)/(max−min)·256), 255).
	// A constant channel renders as index 0 (matplotlib's Normalize gives 0
	// when vmin = vmax).
	MinMax
	// Layer is MinMax with one [min, max] shared by all channels of the
	// layer, so channels can be compared with each other.
	Layer
)

var modeNames = [...]string{"standardize", "minmax", "layer"}

// String returns the mode's name as used on the command line and in the UI.
func (m ScaleMode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("ScaleMode(%d)", int(m))
}

// ScaleModeNames returns the valid mode names, the default first.
func ScaleModeNames() []string { return append([]string(nil), modeNames[:]...) }

// ParseScaleMode returns the mode called name (case-insensitive); "" is Standardize.
func ParseScaleMode(name string) (ScaleMode, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" {
		return Standardize, nil
	}
	for i, n := range modeNames {
		if n == key {
			return ScaleMode(i), nil
		}
	}
	return 0, fmt.Errorf("render: unknown scale mode %q; valid modes are %s",
		name, strings.Join(modeNames[:], ", "))
}

// Transfer is the affine map from an activation value to a colormap index:
//
//	index = clamp((x − M)·A + B, 0, 255), truncated; NaN → 0
//
// Subtracting M before scaling keeps float32 precision when the mean is large
// compared with the spread.
type Transfer struct{ M, A, B float32 }

// Index maps x to a colormap index.
//
// Apart from the NaN test, which is predictable, it has no branches: the
// float min leaves values below 255 alone, and max clamps the converted
// value, including the MinInt32 that amd64 and arm64 give for values below
// the int32 range, to 0.
func (t Transfer) Index(x float32) uint8 {
	v := (x-t.M)*t.A + t.B
	if v != v {
		return 0
	}
	return uint8(max(int32(min(v, 255)), 0))
}

// NewTransfer returns the transfer that displays channel ch of a layer with
// statistics s in the given mode.
func NewTransfer(mode ScaleMode, s *LayerStats, ch int) Transfer {
	cs := &s.Channels[ch]
	switch mode {
	case MinMax:
		return rangeTransfer(float64(cs.Min), float64(cs.Max))
	case Layer:
		return rangeTransfer(float64(s.Min), float64(s.Max))
	default:
		if cs.Constant || !(cs.Std > 0) {
			return Transfer{M: float32(cs.Mean), A: 0, B: 128}
		}
		return Transfer{M: float32(cs.Mean), A: clampA(64 / cs.Std), B: 128}
	}
}

// rangeTransfer maps [lo, hi] to [0, 256) (clamped to 255 at hi).
func rangeTransfer(lo, hi float64) Transfer {
	if !(hi > lo) {
		return Transfer{M: float32(lo)}
	}
	return Transfer{M: float32(lo), A: clampA(256 / (hi - lo))}
}

// clampA keeps a scale finite in float32 (a spread of a few ulps could
// otherwise overflow to +Inf and turn 0·Inf into NaN).
func clampA(a float64) float32 {
	return float32(math.Min(a, math.MaxFloat32))
}
