;; bubble_handle spins in a loop with no calls in it. The host must stop it
;; at the call's deadline. An empty event returns at once, so the test can
;; check that the next call gets a working instance.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"loop\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 44))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (loop $spin (br $spin))
    (i32.const 0)))
