;; bubble_handle calls poll_oneoff with 2^28 subscriptions. Their sizes,
;; 48 and 32 bytes each, overflow 32 bits to 0, so wazero v1.12.0 checks
;; empty buffers and then reads past them, which panics in the host
;; function. The host must fail the call and keep running.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"wasi-poll\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 49))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (call $poll_oneoff (i32.const 1024) (i32.const 4096) (i32.const 268435456) (i32.const 8192))))
