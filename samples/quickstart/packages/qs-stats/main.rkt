#lang racket/base
;; qs-stats: pass rates from result counts, using qs-math-ext.
(require qs-math-ext)
(provide pass-rate
         pass-rate-line)

(define (pass-rate passed failed)
  (percent passed (+ passed failed)))

(define (pass-rate-line passed failed)
  (string-append "pass rate: " (format-percent (pass-rate passed failed))))

(module+ test
  (require rackunit)
  (check-equal? (pass-rate 3 1) 75)
  (check-equal? (pass-rate 0 0) 0)
  (check-equal? (pass-rate-line 9 1) "pass rate:  90%"))
