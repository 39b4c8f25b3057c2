// Command hello2 is version "2" of the test plugin "hello": it replies
// "hello v2" to "!hello" and "hello v2 N" to "!hello N".
package main

import "github.com/bubblehost/bubblehost/host/internal/testplugins/hello"

func init() { hello.Register("hello", "2") }

func main() {}
