#lang racket/base
(require rackunit trd-clamp)
(check-equal? (clamp 0 10 15) 10)
(check-equal? (clamp 0 10 -3) 0)
(check-equal? (clamp 0 10 4) 4)
