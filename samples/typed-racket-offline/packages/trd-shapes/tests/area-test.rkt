#lang racket/base
(require rackunit trd-shapes)
(check-equal? (area (rect 2 3)) 6)
(check-equal? (area (circle 1)) 3)
