#lang racket/base
;; qs-needs-broken: fine by itself, but it requires qs-broken.
(require qs-broken)
(provide use-broken)

(define (use-broken x)
  (broken x))

(module+ test
  (require rackunit)
  (check-true (procedure? use-broken)))
