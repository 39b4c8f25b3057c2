;; A CPU-bound plugin for the timeout benchmarks. The export spin counts
;; its argument down to zero in a tight loop, and bubble_handle does the
;; same with the 64-bit number (little-endian) in the event's first 8
;; bytes.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "event_read" (func $event_read (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"spin\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 44))
    (i32.const 0))
  (func $spin (export "spin") (param $n i64)
    (block $done
      (loop $again
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $again))))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (i64.store (i32.const 1024) (i64.const 0))
    (drop (call $event_read (i32.const 1024) (i32.const 8)))
    (call $spin (i64.load (i32.const 1024)))
    (i32.const 0)))
