#lang racket/base
;; Eats memory without end: the guest's memory limit stops it.
(module+ test
  (let loop ([keep '()])
    (loop (cons (make-bytes (* 64 1024 1024) 1) keep))))
