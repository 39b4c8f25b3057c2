;; bubble_handle calls bubble.log 100000 times with an empty message, then
;; 20 times with 10000 bytes, then 1000 times with one byte. The host must
;; keep the call's log output within its budget, empty lines included, say
;; once that it drops the rest, and then log nothing more of the call.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"log-flood\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 49))
    (i32.const 0))

  ;; $repeat logs the len bytes at ptr n times at info level.
  (func $repeat (param $n i32) (param $ptr i32) (param $len i32)
    (loop $again
      (call $log (i32.const 0) (local.get $ptr) (local.get $len))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0)))))

  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (memory.fill (i32.const 1024) (i32.const 121) (i32.const 10000)) ;; 'y'
    (call $repeat (i32.const 100000) (i32.const 1024) (i32.const 0))
    (call $repeat (i32.const 20) (i32.const 1024) (i32.const 10000))
    (call $repeat (i32.const 1000) (i32.const 1024) (i32.const 1))
    (i32.const 0)))
