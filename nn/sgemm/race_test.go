//go:build race

package sgemm

const raceEnabled = true
