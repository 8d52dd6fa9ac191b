#lang racket/base
(require rackunit
         qs-text)

(check-equal? (title "the quick  start") "The Quick Start")
(check-equal? (anchor "The Quick Start!") "#the-quick-start")
(check-equal? (bullets '("one" "two")) "- one\n- two")
(check-equal? (bullets '()) "")
