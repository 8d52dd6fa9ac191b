#lang racket/base
;; qs-hang: compiles and installs; its test submodule waits forever.
(provide answer)

(define (answer) 42)

(module+ test
  ;; Never ready: only a timeout ends this test.
  (sync never-evt))
