;; bubble_handle calls proc_exit with the event's first byte as the exit
;; code. The call must fail and lose its instance, and the next call must
;; get a fresh one. An empty event returns 0 without exiting.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "event_read" (func $event_read (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"proc-exit\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 49))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (drop (call $event_read (i32.const 1024) (i32.const 1)))
    (call $proc_exit (i32.load8_u (i32.const 1024)))
    (i32.const 0)))
