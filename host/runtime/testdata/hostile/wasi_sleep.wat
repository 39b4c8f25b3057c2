;; bubble_handle calls poll_oneoff 1000 times, each with a one-hour clock
;; subscription and a read subscription on stdin. Sleeping must not park
;; the call: poll_oneoff returns at once, so the call ends long before its
;; deadline. It returns the first failing errno as its status, or 0.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"wasi-sleep\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 50))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (local $n i32) (local $errno i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))

    ;; Subscription 0 at 1024: a relative clock of one hour on the
    ;; monotonic clock (id 1). Subscription 1 at 1072: fd_read on fd 0.
    (i32.store8 (i32.const 1032) (i32.const 0))
    (i32.store (i32.const 1040) (i32.const 1))
    (i64.store (i32.const 1048) (i64.const 3600000000000))
    (i32.store8 (i32.const 1080) (i32.const 1))
    (i32.store (i32.const 1088) (i32.const 0))

    (local.set $n (i32.const 1000))
    (loop $again
      (local.set $errno
        (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 2) (i32.const 4000)))
      (if (local.get $errno) (then (return (local.get $errno))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.const 0)))
