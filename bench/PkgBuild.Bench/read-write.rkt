#lang racket/base
;; The peer for the data benchmark: reads FILE with `read` and writes it back with `write` to a string,
;; ROUNDS times, and prints the median milliseconds of each ("read <ms> write <ms>"); startup is not timed.
;; Usage: racket read-write.rkt FILE ROUNDS
(define args (current-command-line-arguments))
(define file (vector-ref args 0))
(define rounds (string->number (vector-ref args 1)))
(define (median xs) (list-ref (sort xs <) (quotient (length xs) 2)))
(define-values (reads writes)
  (for/lists (r w) ([i rounds])
    (define t0 (current-inexact-milliseconds))
    (define d (call-with-input-file file read))
    (define t1 (current-inexact-milliseconds))
    (define o (open-output-string))
    (write d o)
    (define t2 (current-inexact-milliseconds))
    (values (- t1 t0) (- t2 t1))))
(printf "read ~a write ~a\n" (median reads) (median writes))
