;; bubble_handle asks for 65535 more pages at once. memory.grow must return
;; -1, and the module then stores one byte past the end of its memory,
;; which must trap.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"grow-past\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 49))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (if (i32.ne (memory.grow (i32.const 65535)) (i32.const -1))
      (then (return (i32.const 2))))
    (i32.store8 (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))
    (i32.const 0)))
