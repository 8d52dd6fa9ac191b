#lang typed/racket/base
(provide (struct-out rect) (struct-out circle) area)

(struct rect ([w : Real] [h : Real]))
(struct circle ([r : Real]))
(define-type Shape (U rect circle))

(: area (-> Shape Real))
(define (area s)
  (cond [(rect? s) (* (rect-w s) (rect-h s))]
        [else (* 3 (circle-r s) (circle-r s))]))
