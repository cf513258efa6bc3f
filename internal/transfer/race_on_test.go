//go:build race

package transfer

// raceOn is set when the tests run with -race, which makes the real-data
// test several times slower; it runs in the plain test run instead.
const raceOn = true
