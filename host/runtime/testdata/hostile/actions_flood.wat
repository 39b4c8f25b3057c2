;; bubble_handle asks for 5000 send_message actions. The host must carry
;; out only the call's limit of them and answer the rest with ErrLimit
;; (-3). The module then logs the last action's result at warn level.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "action" (func $action (param i32 i32) (result i32)))
  (import "bubble" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "bubble" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"actions-flood\",\"version\":\"1\",\"events\":[\"*\"]}")
  (data (i32.const 64) "{\"type\":\"send_message\",\"channelId\":5,\"content\":\"flood\"}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 53))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (local $n i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    (local.set $n (i32.const 5000))
    (loop $again
      (drop (call $action (i32.const 64) (i32.const 55)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))
    (call $log (i32.const 4) (i32.const 1024)
      (call $result_read (i32.const 1024) (i32.const 1024)))
    (i32.const 0)))
