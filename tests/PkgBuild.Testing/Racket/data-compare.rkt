#lang racket/base
;; Reads the datums in A and in B with `read` and reports, by index, each pair that is not `equal?`.
;; Prints "ok N" when all N pairs are equal?; exits 1 otherwise.  Usage: racket data-compare.rkt A B
(define args (current-command-line-arguments))
(define (read-all path)
  (call-with-input-file path (lambda (in) (for/list ([d (in-port read in)]) d))))
(define a (read-all (vector-ref args 0)))
(define b (read-all (vector-ref args 1)))
(unless (= (length a) (length b))
  (printf "count differs: ~a datums vs ~a\n" (length a) (length b))
  (exit 1))
(define bad
  (for/list ([x (in-list a)] [y (in-list b)] [i (in-naturals)] #:unless (equal? x y)) i))
(for ([i (in-list bad)] [_ (in-range 20)])
  (printf "not equal? at ~a: ~s vs ~s\n" i (list-ref a i) (list-ref b i)))
(if (null? bad)
    (printf "ok ~a\n" (length a))
    (exit 1))
