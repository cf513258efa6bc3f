package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// This file reads and writes Arch and LayerConfig as JSON.

// parseLayer reads {"class_name": …, "config": {…}} (see Arch), checking
// keys, types and values.
func parseLayer(data []byte) (LayerConfig, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return LayerConfig{}, fmt.Errorf(`expected {"class_name": …, "config": {…}}, received %s`, excerpt(data))
	}
	for _, k := range sortedKeys(top) {
		if k != "class_name" && k != "config" {
			return LayerConfig{}, fmt.Errorf("unknown key %q (expected class_name, config)", k)
		}
	}
	var c LayerConfig
	raw, ok := top["class_name"]
	if !ok {
		return LayerConfig{}, fmt.Errorf(`missing "class_name"`)
	}
	if err := decodeString(raw, &c.ClassName); err != nil {
		return LayerConfig{}, fmt.Errorf(`"class_name": %w`, err)
	}
	keys, ok := classKeys[c.ClassName]
	if !ok {
		return LayerConfig{}, fmt.Errorf("unknown class_name %q (expected one of %s)", c.ClassName, strings.Join(ClassNames(), ", "))
	}
	var cfg map[string]json.RawMessage
	if raw, ok := top["config"]; ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return LayerConfig{}, fmt.Errorf("%s: \"config\": expected an object, received %s", c.ClassName, excerpt(raw))
		}
	}
	allowed := make([]string, len(keys))
	for i, k := range keys {
		allowed[i] = keyName(k)
		if _, ok := cfg[allowed[i]]; !ok && strings.HasSuffix(k, "!") {
			return LayerConfig{}, fmt.Errorf("%s: missing %q", c.ClassName, allowed[i])
		}
	}
	for _, k := range sortedKeys(cfg) {
		if !slices.Contains(allowed, k) {
			return LayerConfig{}, fmt.Errorf("%s: unknown key %q (expected one of %s)", c.ClassName, k, strings.Join(allowed, ", "))
		}
		raw := cfg[k]
		var err error
		switch k {
		case "name":
			err = decodeString(raw, &c.Name)
		case "filters":
			err = decodeInt(raw, &c.Filters)
		case "units":
			err = decodeInt(raw, &c.Units)
		case "kernel_size":
			err = decodePair(raw, &c.KernelSize, false)
		case "pool_size":
			err = decodePair(raw, &c.PoolSize, false)
		case "strides":
			err = decodePair(raw, &c.Strides, true)
		case "padding":
			if c.ClassName == "ZeroPadding2D" {
				err = decodeZeroPadding(raw, &c.Pads)
			} else {
				err = decodeString(raw, &c.Padding)
			}
		case "activation":
			err = decodeString(raw, &c.Activation)
		case "use_bias":
			var use bool
			if isNull(raw) || json.Unmarshal(raw, &use) != nil {
				err = fmt.Errorf("expected true or false, received %s", excerpt(raw))
			}
			c.NoBias = !use
		case "rate":
			err = decodeFloat(raw, &c.Rate)
		case "groups":
			err = decodeInt(raw, &c.Groups)
		case "dilation_rate":
			err = decodePair(raw, &c.DilationRate, true)
		case "pads":
			var v []int
			if json.Unmarshal(raw, &v) != nil || len(v) != 4 {
				err = fmt.Errorf("expected [top, left, bottom, right], received %s", excerpt(raw))
			} else {
				c.Pads = [4]int(v)
			}
		case "ceil_mode":
			err = decodeBool(raw, &c.CeilMode)
		case "count_include_pad":
			err = decodeBool(raw, &c.CountIncludePad)
		case "epsilon":
			err = decodeFloat(raw, &c.Epsilon)
		case "momentum":
			err = decodeFloat(raw, &c.Momentum)
		case "max_value":
			if !isNull(raw) { // null: no maximum
				err = decodeFloat(raw, &c.MaxValue)
			}
		case "negative_slope":
			err = decodeFloat(raw, &c.NegativeSlope)
		case "threshold":
			err = decodeFloat(raw, &c.Threshold)
		case "alpha":
			err = decodeFloat(raw, &c.Alpha)
		case "beta":
			err = decodeFloat(raw, &c.Beta)
		case "min":
			c.Min = math.Inf(-1)
			if !isNull(raw) {
				err = decodeFloat(raw, &c.Min)
			}
		case "max":
			c.Max = math.Inf(1)
			if !isNull(raw) {
				err = decodeFloat(raw, &c.Max)
			}
		case "scale":
			err = decodeFloat(raw, &c.Scale)
		case "offset":
			err = decodeFloat(raw, &c.Offset)
		case "target_shape":
			var v []int
			if json.Unmarshal(raw, &v) != nil || len(v) == 0 || len(v) > 4 || slices.Contains(v, 0) {
				err = fmt.Errorf("expected a list of 1 to 4 dimensions (one may be -1), received %s", excerpt(raw))
			} else {
				copy(c.TargetShape[:], v)
			}
		}
		if err != nil {
			return LayerConfig{}, fmt.Errorf("%s: %q: %w", c.ClassName, k, err)
		}
	}
	c = c.withDefaults()
	if _, err := c.GraphLayer(); err != nil {
		return LayerConfig{}, err
	}
	return c, nil
}

func decodeFloat(raw []byte, v *float64) error {
	if isNull(raw) || json.Unmarshal(raw, v) != nil {
		return fmt.Errorf("expected a number, received %s", excerpt(raw))
	}
	return nil
}

func decodeBool(raw []byte, v *bool) error {
	if isNull(raw) || json.Unmarshal(raw, v) != nil {
		return fmt.Errorf("expected true or false, received %s", excerpt(raw))
	}
	return nil
}

// decodeZeroPadding reads ZeroPadding2D's padding as Keras takes it: n (all
// sides), [h, w] (symmetric) or [[top, bottom], [left, right]], into pads
// (top, left, bottom, right).
func decodeZeroPadding(raw []byte, pads *[4]int) error {
	var n int
	if !isNull(raw) && json.Unmarshal(raw, &n) == nil {
		*pads = [4]int{n, n, n, n}
		return nil
	}
	var hw []int
	if json.Unmarshal(raw, &hw) == nil && len(hw) == 2 {
		*pads = [4]int{hw[0], hw[1], hw[0], hw[1]}
		return nil
	}
	var tb [][]int
	if json.Unmarshal(raw, &tb) == nil && len(tb) == 2 && len(tb[0]) == 2 && len(tb[1]) == 2 {
		*pads = [4]int{tb[0][0], tb[1][0], tb[0][1], tb[1][1]}
		return nil
	}
	return fmt.Errorf("expected [[top, bottom], [left, right]], [height, width] or an integer, received %s", excerpt(raw))
}

func isNull(raw []byte) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func decodeString(raw []byte, s *string) error {
	if isNull(raw) || json.Unmarshal(raw, s) != nil {
		return fmt.Errorf("expected a string, received %s", excerpt(raw))
	}
	return nil
}

func decodeInt(raw []byte, n *int) error {
	if isNull(raw) || json.Unmarshal(raw, n) != nil {
		return fmt.Errorf("expected an integer, received %s", excerpt(raw))
	}
	return nil
}

// decodePair reads [h, w] or a single integer meaning (n, n), as Keras
// accepts; with nullable, null leaves p zero (the default).
func decodePair(raw []byte, p *[2]int, nullable bool) error {
	if nullable && isNull(raw) {
		return nil
	}
	var n int
	if json.Unmarshal(raw, &n) == nil && !isNull(raw) {
		*p = [2]int{n, n}
		return nil
	}
	var v []int
	if json.Unmarshal(raw, &v) != nil || len(v) != 2 {
		return fmt.Errorf("expected [height, width] or an integer, received %s", excerpt(raw))
	}
	*p = [2]int{v[0], v[1]}
	return nil
}

// excerpt shows raw JSON in an error, shortened if long.
func excerpt(raw []byte) string {
	s := string(bytes.Join(bytes.Fields(raw), []byte(" ")))
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	if col == 0 {
		col = 1
	}
	return line, col
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// UnmarshalJSON parses data as ParseArch does.
func (a *Arch) UnmarshalJSON(data []byte) error {
	b, err := ParseArch(data)
	if err != nil {
		return err
	}
	*a = b
	return nil
}

// MarshalJSON writes the architecture with every default explicit, keys in
// a fixed order and one layer per line. (encoding/json compacts the output of
// MarshalJSON methods when it marshals an enclosing value; call MarshalJSON
// directly to keep the layout.)
func (a Arch) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n  \"input_shape\": ")
	writeInts(&b, a.InputShape)
	b.WriteString(",\n  \"layers\": [")
	for i, c := range a.Layers {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		lb, err := c.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b.Write(lb)
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes(), nil
}

// MarshalJSON writes {"class_name": …, "config": {…}} with the class's keys
// in Keras' order and defaults filled in.
func (c LayerConfig) MarshalJSON() ([]byte, error) {
	keys, ok := classKeys[c.ClassName]
	if !ok {
		return nil, fmt.Errorf("nn: unknown class_name %q", c.ClassName)
	}
	c = c.withDefaults()
	var b bytes.Buffer
	b.WriteString(`{"class_name": `)
	writeString(&b, c.ClassName)
	b.WriteString(`, "config": {`)
	n := 0
	for _, key := range keys {
		k := keyName(key)
		if k == "name" && c.Name == "" || strings.HasSuffix(key, "?") && c.isDefault(k) {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		writeString(&b, k)
		b.WriteString(": ")
		switch k {
		case "name":
			writeString(&b, c.Name)
		case "filters":
			b.WriteString(strconv.Itoa(c.Filters))
		case "units":
			b.WriteString(strconv.Itoa(c.Units))
		case "kernel_size":
			writeInts(&b, c.KernelSize[:])
		case "pool_size":
			writeInts(&b, c.PoolSize[:])
		case "strides":
			writeInts(&b, c.Strides[:])
		case "padding":
			if c.ClassName == "ZeroPadding2D" {
				fmt.Fprintf(&b, "[[%d, %d], [%d, %d]]", c.Pads[0], c.Pads[2], c.Pads[1], c.Pads[3])
			} else {
				writeString(&b, c.Padding)
			}
		case "activation":
			writeString(&b, c.Activation)
		case "use_bias":
			b.WriteString(strconv.FormatBool(!c.NoBias))
		case "rate":
			writeFloat(&b, c.Rate)
		case "groups":
			b.WriteString(strconv.Itoa(max(c.Groups, 1)))
		case "dilation_rate":
			d := pairOr(c.DilationRate, [2]int{1, 1})
			writeInts(&b, d[:])
		case "pads":
			writeInts(&b, c.Pads[:])
		case "ceil_mode":
			b.WriteString(strconv.FormatBool(c.CeilMode))
		case "count_include_pad":
			b.WriteString(strconv.FormatBool(c.CountIncludePad))
		case "epsilon":
			writeFloat(&b, c.Epsilon)
		case "momentum":
			writeFloat(&b, c.Momentum)
		case "max_value":
			if c.MaxValue == 0 {
				b.WriteString("null")
			} else {
				writeFloat(&b, c.MaxValue)
			}
		case "negative_slope":
			writeFloat(&b, c.NegativeSlope)
		case "threshold":
			writeFloat(&b, c.Threshold)
		case "alpha":
			writeFloat(&b, c.Alpha)
		case "beta":
			writeFloat(&b, c.Beta)
		case "min":
			writeFloat(&b, c.Min)
		case "max":
			writeFloat(&b, c.Max)
		case "scale":
			writeFloat(&b, c.Scale)
		case "offset":
			writeFloat(&b, c.Offset)
		case "target_shape":
			writeInts(&b, c.targetShape())
		}
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

// UnmarshalJSON parses one layer as ParseArch does.
func (c *LayerConfig) UnmarshalJSON(data []byte) error {
	l, err := parseLayer(data)
	if err != nil {
		return err
	}
	*c = l
	return nil
}

func writeInts(b *bytes.Buffer, v []int) {
	b.WriteByte('[')
	for i, d := range v {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(']')
}

// writeFloat writes v as the shortest JSON number that reads back as v;
// infinities (Clip's open bounds) as null.
func writeFloat(b *bytes.Buffer, v float64) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		b.WriteString("null")
		return
	}
	b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
}

// isDefault reports whether the optional key k holds its default.
func (c LayerConfig) isDefault(k string) bool {
	switch k {
	case "groups":
		return c.Groups <= 1
	case "dilation_rate":
		return pairOr(c.DilationRate, [2]int{1, 1}) == [2]int{1, 1}
	case "pads":
		return c.Pads == [4]int{}
	case "ceil_mode":
		return !c.CeilMode
	case "count_include_pad":
		return !c.CountIncludePad
	}
	return false
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}
