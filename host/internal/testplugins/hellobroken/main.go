// Command hellobroken is a version of the test plugin "hello" that fails
// to instantiate: its init function panics, so the module's _initialize
// export exits with status 2 before the host can ask it to describe itself.
package main

import "github.com/bubblehost/bubblehost/host/internal/testplugins/hello"

func init() {
	hello.Register("hello", "3")
	panic("hellobroken fails its initialization on purpose")
}

func main() {}
