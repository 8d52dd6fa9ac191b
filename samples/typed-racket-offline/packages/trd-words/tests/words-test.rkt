#lang racket/base
(require rackunit trd-words)
(check-equal? (word-count "a typed racket sample") 4)
(check-equal? (word-count "") 0)
