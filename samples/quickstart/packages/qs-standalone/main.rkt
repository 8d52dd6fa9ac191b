#lang racket/base
;; qs-standalone: does not use qs-base, so no change to qs-base can affect it.
(provide fizzbuzz)

(define (fizzbuzz n)
  (cond
    [(zero? (modulo n 15)) "FizzBuzz"]
    [(zero? (modulo n 3)) "Fizz"]
    [(zero? (modulo n 5)) "Buzz"]
    [else (number->string n)]))

(module+ test
  (require rackunit)
  (check-equal? (map fizzbuzz '(1 3 5 15 16)) '("1" "Fizz" "Buzz" "FizzBuzz" "16")))
