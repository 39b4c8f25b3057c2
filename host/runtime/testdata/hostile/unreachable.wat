;; bubble_handle executes unreachable, which traps.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"unreachable\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 51))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (unreachable)))
