#lang racket/base
;; qs-math-ext: percentages and rounding, using qs-base's clamp, mean and pad-left.
(require qs-base)
(provide percent
         average-score
         format-percent)

;; (percent 1 4) => 25, always within 0..100
(define (percent part whole)
  (if (zero? whole) 0 (clamp (round (* 100 (/ part whole))) 0 100)))

(define (average-score scores)
  (round (mean scores)))

;; (format-percent 7) => "  7%"
(define (format-percent p)
  (string-append (pad-left (number->string p) 3) "%"))

(module+ test
  (require rackunit)
  (check-equal? (percent 1 4) 25)
  (check-equal? (percent 5 4) 100)
  (check-equal? (percent 1 0) 0)
  (check-equal? (average-score '(70 80 91)) 80)
  (check-equal? (format-percent 7) "  7%")
  (check-equal? (format-percent 100) "100%"))
