#lang racket/base
(provide greeting)
(define (greeting name) (string-append "hello, " name))
