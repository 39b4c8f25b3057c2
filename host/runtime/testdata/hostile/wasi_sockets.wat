;; bubble_handle tries the WASI socket calls on fd 3, which would be the
;; first preopened socket if there were one: sock_accept, sock_recv,
;; sock_send and sock_shutdown, and sock_accept on stdin. It logs
;; "NAME errno N" for each call and returns 0 when every call was refused,
;; 1 when one succeeded.
(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $sock_send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"wasi-sockets\",\"version\":\"1\",\"events\":[\"*\"]}")
  (data (i32.const 544) "sock_accept")
  (data (i32.const 560) "sock_recv")
  (data (i32.const 576) "sock_send")
  (data (i32.const 592) "sock_shutdown")
  (data (i32.const 608) " errno ")
  (data (i32.const 624) "sock_accept(stdin)")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 52))
    (i32.const 0))

  ;; $report logs "NAME errno N" for an errno below 100 and returns 1 when
  ;; the errno is 0 (the call succeeded), else 0.
  (func $report (param $name i32) (param $name_len i32) (param $errno i32) (result i32)
    (local $p i32)
    (memory.copy (i32.const 4096) (local.get $name) (local.get $name_len))
    (local.set $p (i32.add (i32.const 4096) (local.get $name_len)))
    (memory.copy (local.get $p) (i32.const 608) (i32.const 7))
    (local.set $p (i32.add (local.get $p) (i32.const 7)))
    (if (i32.ge_u (local.get $errno) (i32.const 10))
      (then
        (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.div_u (local.get $errno) (i32.const 10))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $errno) (i32.const 10))))
    (call $log (i32.const 0) (i32.const 4096) (i32.sub (i32.add (local.get $p) (i32.const 1)) (i32.const 4096)))
    (i32.eqz (local.get $errno)))

  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    ;; An iovec at 1024 for 64 bytes at 2048.
    (i32.store (i32.const 1024) (i32.const 2048))
    (i32.store (i32.const 1028) (i32.const 64))
    (i32.or (i32.or (i32.or (i32.or
      (call $report (i32.const 544) (i32.const 11)
        (call $sock_accept (i32.const 3) (i32.const 0) (i32.const 1040)))
      (call $report (i32.const 560) (i32.const 9)
        (call $sock_recv (i32.const 3) (i32.const 1024) (i32.const 1) (i32.const 0) (i32.const 1040) (i32.const 1044))))
      (call $report (i32.const 576) (i32.const 9)
        (call $sock_send (i32.const 3) (i32.const 1024) (i32.const 1) (i32.const 0) (i32.const 1040))))
      (call $report (i32.const 592) (i32.const 13)
        (call $sock_shutdown (i32.const 3) (i32.const 2))))
      (call $report (i32.const 624) (i32.const 18)
        (call $sock_accept (i32.const 0) (i32.const 0) (i32.const 1040))))))
