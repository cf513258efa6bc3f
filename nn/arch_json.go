package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
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
		allowed[i] = strings.TrimSuffix(k, "!")
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
			err = decodeString(raw, &c.Padding)
		case "activation":
			err = decodeString(raw, &c.Activation)
		case "use_bias":
			var use bool
			if isNull(raw) || json.Unmarshal(raw, &use) != nil {
				err = fmt.Errorf("expected true or false, received %s", excerpt(raw))
			}
			c.NoBias = !use
		case "rate":
			if isNull(raw) || json.Unmarshal(raw, &c.Rate) != nil {
				err = fmt.Errorf("expected a number, received %s", excerpt(raw))
			}
		}
		if err != nil {
			return LayerConfig{}, fmt.Errorf("%s: %q: %w", c.ClassName, k, err)
		}
	}
	c = c.withDefaults()
	if _, err := c.Layer(); err != nil {
		return LayerConfig{}, err
	}
	return c, nil
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
	for _, k := range keys {
		k = strings.TrimSuffix(k, "!")
		if k == "name" && c.Name == "" {
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
			writeString(&b, c.Padding)
		case "activation":
			writeString(&b, c.Activation)
		case "use_bias":
			b.WriteString(strconv.FormatBool(!c.NoBias))
		case "rate":
			b.WriteString(strconv.FormatFloat(c.Rate, 'g', -1, 64))
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

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}
