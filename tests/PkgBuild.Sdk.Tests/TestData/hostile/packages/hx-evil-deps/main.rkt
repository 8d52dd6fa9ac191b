#lang racket/base
(provide x)
(define x 1)
