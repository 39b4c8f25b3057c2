//go:build !wasip1

package main

func logOutOfBounds() { panic("bad pointer: only meaningful in WebAssembly") }
