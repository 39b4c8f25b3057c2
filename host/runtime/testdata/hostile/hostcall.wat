;; bubble_handle calls one host function with a pointer and length taken
;; from the event, so that a test or a fuzzer can pass any values. The
;; event is 16 bytes, little-endian:
;;
;;   0   u8   function: 0 log, 1 event_read, 2 config_read, 3 action,
;;            4 result_read, 5 describe
;;   4   i32  pointer
;;   8   i32  length
;;   12  i32  log level
;;
;; The memory is one page (65536 bytes). An event shorter than 16 bytes
;; returns 0 without calling anything.
(module
  (import "bubble" "describe" (func $describe (param i32 i32)))
  (import "bubble" "log" (func $log (param i32 i32 i32)))
  (import "bubble" "event_read" (func $event_read (param i32 i32) (result i32)))
  (import "bubble" "config_read" (func $config_read (param i32 i32) (result i32)))
  (import "bubble" "action" (func $action (param i32 i32) (result i32)))
  (import "bubble" "result_read" (func $result_read (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"name\":\"hostcall\",\"version\":\"1\",\"events\":[\"*\"]}")
  (func (export "bubble_abi_v1"))
  (func (export "bubble_describe") (result i32)
    (call $describe (i32.const 0) (i32.const 48))
    (i32.const 0))
  (func (export "bubble_handle") (param $event_len i32) (result i32)
    (local $ptr i32) (local $len i32)
    (if (i32.lt_u (local.get $event_len) (i32.const 16)) (then (return (i32.const 0))))
    (drop (call $event_read (i32.const 256) (i32.const 16)))
    (local.set $ptr (i32.load (i32.const 260)))
    (local.set $len (i32.load (i32.const 264)))
    (block $done
      (block $describe_
        (block $result_read_
          (block $action_
            (block $config_read_
              (block $event_read_
                (block $log_
                  (br_table $log_ $event_read_ $config_read_ $action_ $result_read_ $describe_ $done
                    (i32.load8_u (i32.const 256))))
                (call $log (i32.load (i32.const 268)) (local.get $ptr) (local.get $len))
                (br $done))
              (drop (call $event_read (local.get $ptr) (local.get $len)))
              (br $done))
            (drop (call $config_read (local.get $ptr) (local.get $len)))
            (br $done))
          (drop (call $action (local.get $ptr) (local.get $len)))
          (br $done))
        (drop (call $result_read (local.get $ptr) (local.get $len)))
        (br $done))
      (call $describe (local.get $ptr) (local.get $len)))
    (i32.const 0)))
