;; The Internet checksum (RFC 1071) over little-endian 16-bit words, folded and complemented:
;; the same computation as testbed.bench.extensions.ChecksumFilter, for ChicoryBench's
;; WebAssembly baseline. One i32.load16_u per word, bounds-checked by the runtime.
(module
  (memory (export "memory") 1)
  (func (export "checksum") (param $packet i32) (param $length i32) (result i32)
    (local $i i32)
    (local $even i32)
    (local $sum i64)
    (local.set $even (i32.and (local.get $length) (i32.const -2)))
    (block $done
      (loop $word
        (br_if $done (i32.ge_u (local.get $i) (local.get $even)))
        (local.set $sum
          (i64.add (local.get $sum)
                   (i64.extend_i32_u (i32.load16_u (i32.add (local.get $packet) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $word)))
    (if (i32.and (local.get $length) (i32.const 1))
      (then
        (local.set $sum
          (i64.add (local.get $sum)
                   (i64.extend_i32_u (i32.load8_u (i32.add (local.get $packet) (local.get $even))))))))
    (block $folded
      (loop $fold
        (br_if $folded (i64.eqz (i64.shr_u (local.get $sum) (i64.const 16))))
        (local.set $sum
          (i64.add (i64.and (local.get $sum) (i64.const 0xFFFF))
                   (i64.shr_u (local.get $sum) (i64.const 16))))
        (br $fold)))
    (i32.and (i32.xor (i32.wrap_i64 (local.get $sum)) (i32.const -1)) (i32.const 0xFFFF))))
