// Command hello1 is version "1" of the test plugin "hello": it replies
// "hello v1" to "!hello" and "hello v1 N" to "!hello N".
package main

import "github.com/bubblehost/bubblehost/host/internal/testplugins/hello"

func init() { hello.Register("hello", "1") }

func main() {}
