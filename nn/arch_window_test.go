package nn

import "testing"

func TestLayerConfigWindow(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       LayerConfig
		k, s, d [2]int
		ok      bool
	}{
		{"conv defaults", LayerConfig{ClassName: "Conv2D", KernelSize: [2]int{3, 3}}, [2]int{3, 3}, [2]int{1, 1}, [2]int{1, 1}, true},
		{"conv explicit", LayerConfig{ClassName: "Conv2D", KernelSize: [2]int{3, 5}, Strides: [2]int{2, 1}, DilationRate: [2]int{2, 3}}, [2]int{3, 5}, [2]int{2, 1}, [2]int{2, 3}, true},
		{"depthwise", LayerConfig{ClassName: "DepthwiseConv2D", KernelSize: [2]int{3, 3}, Strides: [2]int{2, 2}}, [2]int{3, 3}, [2]int{2, 2}, [2]int{1, 1}, true},
		{"max pool defaults", LayerConfig{ClassName: "MaxPooling2D"}, [2]int{2, 2}, [2]int{2, 2}, [2]int{1, 1}, true},
		{"max pool strides default to the pool", LayerConfig{ClassName: "MaxPooling2D", PoolSize: [2]int{3, 2}}, [2]int{3, 2}, [2]int{3, 2}, [2]int{1, 1}, true},
		{"average pool overlapping", LayerConfig{ClassName: "AveragePooling2D", PoolSize: [2]int{3, 3}, Strides: [2]int{1, 2}}, [2]int{3, 3}, [2]int{1, 2}, [2]int{1, 1}, true},
		{"one stride given", LayerConfig{ClassName: "MaxPooling2D", PoolSize: [2]int{3, 3}, Strides: [2]int{1, 0}}, [2]int{3, 3}, [2]int{1, 3}, [2]int{1, 1}, true},
		{"dense", LayerConfig{ClassName: "Dense", Units: 4}, [2]int{}, [2]int{}, [2]int{}, false},
		{"padding", LayerConfig{ClassName: "ZeroPadding2D", Pads: [4]int{1, 1, 1, 1}}, [2]int{}, [2]int{}, [2]int{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, s, d, ok := tc.c.Window()
			if k != tc.k || s != tc.s || d != tc.d || ok != tc.ok {
				t.Errorf("Window() = %v, %v, %v, %v; want %v, %v, %v, %v", k, s, d, ok, tc.k, tc.s, tc.d, tc.ok)
			}
		})
	}
}
