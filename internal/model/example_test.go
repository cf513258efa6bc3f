package model_test

import (
	"fmt"

	"github.com/convscope/convscope/internal/model"
)

// One sigmoid output p is class 1 with probability p and class 0 with
// 1 − p, as Keras' binary models are read.
func ExampleModel_ClassProbabilities() {
	m := &model.Model{Classes: []string{"cats", "dogs"}}
	for _, c := range m.ClassProbabilities([]float32{0.8}) {
		fmt.Printf("%s %.2f\n", c.Name, c.Prob)
	}
	// Output:
	// dogs 0.80
	// cats 0.20
}
