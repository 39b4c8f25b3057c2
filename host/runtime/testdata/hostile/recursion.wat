;; bubble_handle recurses without end, with 32 locals per frame. wazero
;; must trap with a stack overflow instead of growing the host's memory.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"recursion\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 49))
    (i32.const 0))
  (func $down (param $depth i64) (result i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (i64.add (call $down (i64.add (local.get $depth) (i64.const 1))) (i64.const 1)))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (drop (call $down (i64.const 0)))
    (i32.const 0)))
