// Command notaplugin is a valid WASI reactor that does not implement the
// plugin ABI, for testing that the host rejects it.
package main

//go:wasmexport add
func add(a, b int32) int32 { return a + b }

func main() {}
