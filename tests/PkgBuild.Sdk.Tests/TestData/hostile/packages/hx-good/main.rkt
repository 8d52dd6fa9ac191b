#lang racket/base
;; An ordinary package after the hostile ones: the run goes on.
(provide double)
(define (double x) (* 2 x))
(module+ test (unless (= (double 2) 4) (error "wrong")))
