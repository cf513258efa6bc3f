package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

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
