#lang racket/base
;; qs-broken: does not compile (frobnicate is unbound), so `raco pkg install` fails in its setup.
(provide broken)

(define (broken x)
  (frobnicate x))
