#lang racket/base
(require qs-base)
(provide main-greeting)
(define (main-greeting) (greeting "quickstart"))
