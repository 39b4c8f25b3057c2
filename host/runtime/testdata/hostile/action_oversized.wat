;; bubble_handle passes bubble.action a request of 65537 bytes, one over
;; the default limit. The host must trap the call naming req_len.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "action" (func $action (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"name\":\"action-oversized\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 56))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (drop (call $action (i32.const 0) (i32.const 65537)))
    (i32.const 0)))
