// Command fuzzseed turns files into seed-corpus entries for a native Go fuzz
// target whose only argument is []byte, in the "go test fuzz v1" format that
// `go test` reads from testdata/fuzz/FuzzXxx/:
//
//	go run ./internal/tools/fuzzseed -o nn/testdata/fuzz/FuzzLoad model.safetensors ...
//
// Each entry is named after its file's base name. scripts/fuzz.sh says how
// the committed corpora were made.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	out := flag.String("o", "", "corpus `DIR`, e.g. nn/testdata/fuzz/FuzzLoad")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: fuzzseed -o DIR FILE...")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzseed:", err)
		os.Exit(1)
	}
	for _, f := range flag.Args() {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fuzzseed:", err)
			os.Exit(1)
		}
		entry := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if err := os.WriteFile(filepath.Join(*out, filepath.Base(f)), []byte(entry), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "fuzzseed:", err)
			os.Exit(1)
		}
	}
}
