;; bubble_handle tries to reach files: path_open and fd_prestat_get on fd 3,
;; the first preopened directory if there were one, and fd_read and
;; fd_write on fd 3. It logs "NAME errno N" for each call and returns 0
;; when every call was refused, 1 when one succeeded.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"wasi-files\",\"version\":\"1\",\"events\":[\"*\"]}")
  (data (i32.const 512) "etc/passwd")
  (data (i32.const 544) "path_open")
  (data (i32.const 560) "fd_prestat_get")
  (data (i32.const 576) "fd_read")
  (data (i32.const 592) "fd_write")
  (data (i32.const 608) " errno ")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 50))
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
    (local $opened i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))
    ;; An iovec at 1024 for 64 bytes at 2048.
    (i32.store (i32.const 1024) (i32.const 2048))
    (i32.store (i32.const 1028) (i32.const 64))
    (local.set $opened (i32.or (i32.or (i32.or
      (call $report (i32.const 544) (i32.const 9)
        (call $path_open (i32.const 3) (i32.const 0) (i32.const 512) (i32.const 10) (i32.const 0)
          (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 1040)))
      (call $report (i32.const 560) (i32.const 14)
        (call $fd_prestat_get (i32.const 3) (i32.const 1040))))
      (call $report (i32.const 576) (i32.const 7)
        (call $fd_read (i32.const 3) (i32.const 1024) (i32.const 1) (i32.const 1040))))
      (call $report (i32.const 592) (i32.const 8)
        (call $fd_write (i32.const 3) (i32.const 1024) (i32.const 1) (i32.const 1040)))))
    (local.get $opened)))
