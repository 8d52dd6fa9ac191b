#lang typed/racket/base
;; Relies on assert when the module is instantiated (raco test runs a module without a test submodule).
(provide default-port)

(define default-port : Integer
  (assert (string->number "8080") exact-integer?))
