package onnx

import (
	"errors"
	"fmt"
	"io"
	"os"

	"google.golang.org/protobuf/encoding/protowire"
)

// MaxFileSize is the largest model the reader accepts: protobuf messages
// are limited to 2 GiB; larger models keep their weights in external files.
const MaxFileSize = 2<<30 - 1

// maxElements bounds a tensor's declared element count so that sizes never
// overflow; the real bound is the bytes present in the file.
const maxElements = 1 << 40

// ReadModelFile reads and decodes the ONNX model at path.
func ReadModelFile(path string) (*Model, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() { // a pipe or device: read at most 2 GiB
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return ReadModel(f)
	}
	if st.Size() > MaxFileSize {
		return nil, errTooLarge
	}
	b, err := os.ReadFile(path) // one allocation of the file's size
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

var errTooLarge = errors.New("onnx: file larger than 2 GiB: ONNX keeps weights that large in external data files, which are not supported")

// ReadModel decodes an ONNX ModelProto from r.
func ReadModel(r io.Reader) (*Model, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, errTooLarge
	}
	return Parse(b)
}

// Parse decodes an ONNX ModelProto. Tensor data is copied out of b.
func Parse(b []byte) (*Model, error) {
	if len(b) == 0 {
		return nil, errors.New("onnx: empty file: expected an ONNX ModelProto")
	}
	m := &Model{Opsets: map[string]int64{}}
	hasGraph := false
	err := fields(b, "model", func(f field) error {
		switch f.num {
		case 1:
			return f.int64(&m.IRVersion)
		case 2:
			return f.str(&m.ProducerName)
		case 3:
			return f.str(&m.ProducerVersion)
		case 7:
			if err := f.want(protowire.BytesType); err != nil {
				return err
			}
			hasGraph = true
			return parseGraph(f.b, &m.Graph)
		case 8:
			var domain string
			var version int64
			err := f.message("opset_import", func(g field) error {
				switch g.num {
				case 1:
					return g.str(&domain)
				case 2:
					return g.int64(&version)
				}
				return nil
			})
			m.Opsets[domain] = version
			return err
		case 14:
			if err := f.want(protowire.BytesType); err != nil {
				return err
			}
			kv, err := parseKeyValue(f.b, "metadata_props")
			m.Metadata = append(m.Metadata, kv)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if !hasGraph {
		return nil, errors.New("onnx: not an ONNX model: the file has no graph")
	}
	if m.IRVersion < 3 {
		return nil, fmt.Errorf("onnx: not an ONNX model or too old: expected ir_version ≥ 3, received %d", m.IRVersion)
	}
	return m, nil
}

func parseKeyValue(b []byte, what string) (KeyValue, error) {
	var kv KeyValue
	err := fields(b, what, func(g field) error {
		switch g.num {
		case 1:
			return g.str(&kv.Key)
		case 2:
			return g.str(&kv.Value)
		}
		return nil
	})
	return kv, err
}

func parseGraph(b []byte, g *Graph) error {
	return fields(b, "graph", func(f field) error {
		if f.num != 2 && f.num != 1 && f.num != 5 && f.num != 11 && f.num != 12 && f.num != 13 && f.num != 15 {
			return nil
		}
		if err := f.want(protowire.BytesType); err != nil {
			return err
		}
		switch f.num {
		case 1:
			n, err := parseNode(f.b, len(g.Nodes))
			g.Nodes = append(g.Nodes, n)
			return err
		case 2:
			g.Name = string(f.b)
		case 5:
			t, err := parseTensor(f.b, "initializer")
			if err != nil {
				return fmt.Errorf("initializer %d: %w", len(g.Initializers), err)
			}
			g.Initializers = append(g.Initializers, t)
		case 11, 12, 13:
			vi, err := parseValueInfo(f.b)
			if err != nil {
				return err
			}
			switch f.num {
			case 11:
				g.Inputs = append(g.Inputs, vi)
			case 12:
				g.Outputs = append(g.Outputs, vi)
			default:
				g.ValueInfo = append(g.ValueInfo, vi)
			}
		case 15:
			return errors.New("sparse initializers are not supported")
		}
		return nil
	})
}

func parseNode(b []byte, index int) (*Node, error) {
	n := &Node{}
	err := fields(b, "node", func(f field) error {
		switch f.num {
		case 1, 2, 3, 4, 5, 7:
			if err := f.want(protowire.BytesType); err != nil {
				return err
			}
		default:
			return nil
		}
		switch f.num {
		case 1:
			n.Inputs = append(n.Inputs, string(f.b))
		case 2:
			n.Outputs = append(n.Outputs, string(f.b))
		case 3:
			n.Name = string(f.b)
		case 4:
			n.OpType = string(f.b)
		case 7:
			n.Domain = string(f.b)
		case 5:
			a, err := parseAttribute(f.b)
			if err != nil {
				return fmt.Errorf("attribute %d: %w", len(n.Attrs), err)
			}
			n.Attrs = append(n.Attrs, a)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("node %d (%q %q): %w", index, n.OpType, n.Name, err)
	}
	return n, nil
}

func parseAttribute(b []byte) (*Attribute, error) {
	a := &Attribute{}
	err := fields(b, "attribute", func(f field) error {
		switch f.num {
		case 1:
			return f.str(&a.Name)
		case 20:
			return f.int32(&a.Type)
		case 2:
			a.F = f.float32()
			return f.want(protowire.Fixed32Type)
		case 3:
			return f.int64(&a.I)
		case 4:
			a.S = append([]byte(nil), f.b...)
			return f.want(protowire.BytesType)
		case 5:
			if err := f.want(protowire.BytesType); err != nil {
				return err
			}
			t, err := parseTensor(f.b, "tensor")
			a.T = t
			return err
		case 7:
			var err error
			a.Floats, err = f.appendFloats(a.Floats)
			return err
		case 8:
			var err error
			a.Ints, err = f.appendVarints(a.Ints, false)
			return err
		case 9:
			a.Strings = append(a.Strings, append([]byte(nil), f.b...))
			return f.want(protowire.BytesType)
		case 10:
			if err := f.want(protowire.BytesType); err != nil {
				return err
			}
			t, err := parseTensor(f.b, "tensor")
			a.Tensors = append(a.Tensors, t)
			return err
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("%q: %w", a.Name, err)
	}
	return a, nil
}

func parseValueInfo(b []byte) (ValueInfo, error) {
	var vi ValueInfo
	err := fields(b, "value_info", func(f field) error {
		switch f.num {
		case 1:
			return f.str(&vi.Name)
		case 2: // TypeProto
			return f.message("type", func(g field) error {
				if g.num != 1 { // only tensor_type
					return nil
				}
				return g.message("tensor_type", func(h field) error {
					switch h.num {
					case 1:
						return h.int32(&vi.ElemType)
					case 2:
						vi.Shape = []Dim{}
						return h.message("shape", func(s field) error {
							if s.num != 1 {
								return nil
							}
							var d Dim
							err := s.message("dim", func(e field) error {
								switch e.num {
								case 1:
									return e.int64(&d.Value)
								case 2:
									return e.str(&d.Param)
								}
								return nil
							})
							vi.Shape = append(vi.Shape, d)
							return err
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	if err != nil {
		return vi, fmt.Errorf("value %q: %w", vi.Name, err)
	}
	return vi, nil
}
