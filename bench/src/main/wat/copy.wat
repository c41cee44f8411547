;; Copies $bytes bytes from $source to $source + $bytes with one i64.load and one i64.store per
;; word, and answers a fold of the words copied: the same work as
;; testbed.bench.extensions.CopyFilter, for the WebAssembly baseline.
(module
  (memory (export "memory") 1)
  (func (export "copy") (param $source i32) (param $bytes i32) (result i32)
    (local $off i32)
    (local $word i64)
    (local $fold i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $word (i64.load (i32.add (local.get $source) (local.get $off))))
        (i64.store (i32.add (i32.add (local.get $source) (local.get $bytes)) (local.get $off)) (local.get $word))
        (local.set $fold (i64.xor (local.get $fold) (local.get $word)))
        (local.set $off (i32.add (local.get $off) (i32.const 8)))
        (br $next)))
    (i32.and
      (i32.wrap_i64 (i64.xor (local.get $fold) (i64.shr_u (local.get $fold) (i64.const 32))))
      (i32.const 0x7FFFFFFF))))
