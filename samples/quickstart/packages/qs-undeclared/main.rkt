#lang racket/base
;; qs-undeclared: uses rackunit, from the installed package rackunit-lib, which info.rkt does not
;; declare. It works wherever rackunit-lib happens to be installed, and
;; `raco setup --check-pkg-deps` reports the undeclared dependency.
(require rackunit)
(provide double)

(define (double x) (* 2 x))

(module+ test
  (check-equal? (double 21) 42))
