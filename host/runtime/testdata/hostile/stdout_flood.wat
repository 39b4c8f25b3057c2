;; bubble_handle writes 4 MiB to stdout with fd_write, as 65536 lines of 63
;; bytes, then 65536 empty lines. The host must log at most the call's log
;; budget of it and say once that it dropped the rest.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"name\":\"stdout-flood\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 52))
    (i32.const 0))

  ;; $write writes the 64 KiB at offset 65536 to stdout n times.
  (func $write (param $n i32)
    (i32.store (i32.const 1024) (i32.const 65536)) ;; iovec.buf
    (i32.store (i32.const 1028) (i32.const 65536)) ;; iovec.buf_len
    (loop $again
      (drop (call $fd_write (i32.const 1) (i32.const 1024) (i32.const 1) (i32.const 1040)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0)))))

  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (local $i i32)
    (if (i32.eqz (local.get $event_len)) (then (return (i32.const 0))))

    ;; 64 KiB of 'x' with a newline as every 64th byte.
    (memory.fill (i32.const 65536) (i32.const 120) (i32.const 65536))
    (local.set $i (i32.const 65599))
    (loop $newline
      (i32.store8 (local.get $i) (i32.const 10))
      (local.set $i (i32.add (local.get $i) (i32.const 64)))
      (br_if $newline (i32.lt_u (local.get $i) (i32.const 131072))))
    (call $write (i32.const 64))

    ;; 64 KiB of newlines: empty lines.
    (memory.fill (i32.const 65536) (i32.const 10) (i32.const 65536))
    (call $write (i32.const 1))
    (i32.const 0)))
